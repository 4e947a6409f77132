/**
 * The payout state machine, in one place (ARCHITECTURE §1): every UPDATE of payouts.status is guarded by
 * `payoutAllowedFrom`.
 *
 *   submitted -> confirmed   one of its hashes mined successfully, CONFIRMATIONS deep (claims completed)
 *   submitted -> reverted    one of its hashes mined and reverted, CONFIRMATIONS deep (gas booked)
 *   submitted -> dropped     its nonce was consumed by a transaction that is not ours and is final
 *   confirmed -> final       its block is final: it can no longer be reorged out
 *   confirmed -> submitted   a reorg removed its block before it was final (settlement reversed, re-sent)
 *   reverted  -> submitted   likewise for a reverted one (its gas reversed)
 * A reverted payout stays `reverted` once final (`finalized_at` set); its claims fail only then, because
 * `failed` is terminal and a reorg could still have taken the revert back.
 */
/** transfer: one claim, a plain transfer; batch: many claims, one batch-payout call; approve: the lane's approval. */
export const PAYOUT_KINDS = ['transfer', 'batch', 'approve'] as const;
export type PayoutKind = (typeof PAYOUT_KINDS)[number];

export const PAYOUT_STATUSES = ['submitted', 'confirmed', 'final', 'reverted', 'dropped'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

const TRANSITIONS: Record<PayoutStatus, readonly PayoutStatus[]> = {
  submitted: ['confirmed', 'reverted', 'dropped'],
  confirmed: ['final', 'submitted'],
  reverted: ['submitted'],
  final: [],
  dropped: [],
};

export function payoutCanTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a payout may be in for a move to `to` to be legal. */
export function payoutAllowedFrom(to: PayoutStatus): PayoutStatus[] {
  return PAYOUT_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

/** Settled payouts whose block may still be reorged out: the finality watch reads these. */
export const AWAITING_FINALITY: readonly PayoutStatus[] = ['confirmed', 'reverted'];

/** The block below which (inclusive) nothing can be reorged any more, for a head and the configured rule. */
export function finalizedBlock(head: number, confirmations: number, finalityDepth: number | null, rpcFinalized: number | null): number {
  const byConfirmations = head - confirmations + 1; // finality is never shallower than CONFIRMATIONS
  if (finalityDepth !== null) return Math.min(head - Math.max(finalityDepth, confirmations) + 1, byConfirmations);
  if (rpcFinalized !== null) return Math.min(rpcFinalized, byConfirmations);
  return head - Math.max(64, confirmations) + 1;
}
