import { createHash } from 'node:crypto';

/**
 * The 64-bit key of a group's transaction-scoped advisory lock (`pg_advisory_xact_lock(bigint)`): the first
 * 8 bytes of SHA-256("payrail:cycle:" + groupId) as a signed big-endian integer, as a decimal string (a JS
 * number cannot hold 64 bits). A namespace prefix keeps it apart from other advisory locks in the database.
 */
export function groupLockKey(groupId: string): string {
  const digest = createHash('sha256').update(`payrail:cycle:${groupId.toLowerCase()}`, 'utf8').digest();
  return digest.readBigInt64BE(0).toString();
}
