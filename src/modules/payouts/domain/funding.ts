import { Accounts, Posting, transfer } from '../../ledger/domain/accounts';

/**
 * Funding from the chain, per signer and chain, at one block B (FundingSync). What the ledger has booked for a
 * signer "as of B" is its own funding journals plus the journals of its payouts whose nonce is below the
 * signer's nonce at B (those nonces were consumed at or before B; every such payout must be settled first).
 * The chain's balance at B minus that is money the ledger has not seen: a top-up when positive, money that
 * left by other means (the key used outside Payrail) when negative. Booking it makes the two agree at B
 * exactly, whatever happened before, so a mis-read (a reorg under B) is corrected by the next sync.
 */

/** Payout statuses whose journals are not (all) written yet: a sync waits while one holds a nonce below B's. */
export const UNSETTLED_PAYOUT_STATUSES = ['submitted', 'signed'];

export type FundingKind = 'funding.topup' | 'funding.withdrawal';

export interface FundingEntry {
  journalId: string;
  kind: FundingKind;
  /** chain minus books, base units: > 0 top-up, < 0 withdrawal */
  delta: bigint;
  postings: Posting[];
}

/** The block a sync reads: CONFIRMATIONS below head, like the settlements it must agree with. */
export function fundingBlock(head: number, confirmations: number): number {
  return Math.max(0, head - confirmations);
}

/** One journal per (chain, signer, token, B), whichever direction: a repeated sync at B posts nothing. */
export function fundingJournalId(chainId: number, signer: string, token: string, block: number): string {
  return `funding:${chainId}:${signer}:${token}:${block}`;
}

/** Id prefixes of a signer's funding journals on a chain (today's, and the opening journals of earlier versions). */
export function fundingJournalPrefixes(chainId: number, signer: string): string[] {
  return [`funding:${chainId}:${signer}:`, `funding:opening:${chainId}:${signer}:`];
}

/** The journal that brings `treasury:<token>` for this signer from `booked` to `onChain` at B, or null. */
export function fundingEntry(a: { chainId: number; signer: string; token: string; block: number; onChain: bigint; booked: bigint }): FundingEntry | null {
  const delta = a.onChain - a.booked;
  if (delta === 0n) return null;
  const journalId = fundingJournalId(a.chainId, a.signer, a.token, a.block);
  if (delta > 0n) {
    return { journalId, kind: 'funding.topup', delta, postings: transfer(Accounts.treasury(a.token), Accounts.funding(a.token), a.token, delta) };
  }
  return { journalId, kind: 'funding.withdrawal', delta, postings: transfer(Accounts.funding(a.token), Accounts.treasury(a.token), a.token, -delta) };
}
