import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/**
 * The request's identity for Idempotency-Key reuse checks: SHA-256 (hex) of the method, the path (no query)
 * and the canonical JSON (RFC 8785: sorted keys, no insignificant whitespace) of the parsed body, so key
 * order and formatting do not matter but any change of a value does.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const canonical = body === undefined || body === null ? '' : (canonicalize(body) ?? '');
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n${canonical}`, 'utf8').digest('hex');
}

export const IDEMPOTENCY_KEY_MAX = 255;

/** The header's value when it is a usable key (1..255 characters), else null. */
export function parseIdempotencyKey(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (raw.length < 1 || raw.length > IDEMPOTENCY_KEY_MAX) return null;
  return raw;
}
