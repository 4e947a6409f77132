/**
 * Ledger drift (ARCHITECTURE §1.8): the treasury's on-chain balance minus the ledger's `treasury:<token>`,
 * per token, in base units; 0 when the books match the chain.
 *
 * The chain is read at block B and the ledger in a snapshot S taken after B. Payouts in flight make the two
 * disagree for a while, so the ledger is first brought to block B using the signer's nonce at B (nonces
 * below it are mined, the others are not):
 *  - payouts mined by B but not settled in S (status `submitted`, nonce < nonce@B): their settlement
 *    journals are still to come, so they are subtracted (claims' amount if the tx succeeded, gas in ETH);
 *  - payouts settled in S but mined after B (nonce >= nonce@B): their journals are already in S, so
 *    they are added back.
 * What remains is real: a deposit nobody posted, a transfer from the key outside Payrail, a missing journal.
 */
export interface PayoutEffect {
  /** the payout's token */
  token: string;
  /** base units the settlement moves out of treasury:<token> (0 when the tx reverted) */
  amount: bigint;
  /** wei of gas the settlement moves out of treasury:ETH */
  gas: bigint;
}

export interface DriftInput {
  tokens: string[];
  /** on-chain balance at B, summed over every signer address of the chain */
  chain: Record<string, bigint>;
  /** ledger treasury:<token> balance in snapshot S */
  ledger: Record<string, bigint>;
  /** mined by B, not yet settled in S */
  minedUnsettled: PayoutEffect[];
  /** settled in S, mined after B */
  settledAfter: PayoutEffect[];
}

function outflows(effects: PayoutEffect[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (t: string, v: bigint) => out.set(t, (out.get(t) ?? 0n) + v);
  for (const e of effects) {
    add(e.token, e.amount);
    add('ETH', e.gas);
  }
  return out;
}

export function computeDrift(input: DriftInput): Record<string, bigint> {
  const pending = outflows(input.minedUnsettled);
  const later = outflows(input.settledAfter);
  const drift: Record<string, bigint> = {};
  for (const t of input.tokens) {
    const ledgerAtB = (input.ledger[t] ?? 0n) - (pending.get(t) ?? 0n) + (later.get(t) ?? 0n);
    drift[t] = (input.chain[t] ?? 0n) - ledgerAtB;
  }
  return drift;
}

/**
 * Nonces below `nextNonce` that are neither mined (< minedNonce) nor held by a payout row: each one is a
 * hole that blocks every later transaction of the signer.
 */
export function nonceGap(nextNonce: number, minedNonce: number, payoutRowsFromMined: number): number {
  return Math.max(0, nextNonce - Math.max(minedNonce, 0) - payoutRowsFromMined);
}
