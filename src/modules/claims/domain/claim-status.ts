/** The claim state machine, in one place. Every UPDATE of claims.status is guarded by `allowedFrom`. */
export const CLAIM_STATUSES = ['pending', 'held', 'processing', 'submitted', 'completed', 'failed', 'cancelled'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

const TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  // pending -> held: its wallet was denied after intake (the denylist holds every open claim of the wallet)
  pending: ['processing', 'held', 'cancelled'],
  // held (API.md "Treasury controls"): above APPROVAL_ABOVE, or to a denied wallet; never leased or signed.
  // An admin approves (-> pending) or rejects (-> cancelled, the entitlement reversed)
  held: ['pending', 'cancelled'],
  // processing -> held: the leased claim's wallet is denied (found before signing: nothing was signed)
  processing: ['processing', 'submitted', 'pending', 'held', 'failed'],
  // submitted -> pending only on proof that the payout's nonce was consumed by a transaction that is not
  // ours (ARCHITECTURE §1.6), or an admin requeue of a payout provably never mined
  submitted: ['completed', 'failed', 'pending'],
  // completed -> submitted only when a reorg removes its payout's block before it is final (API.md "Finality")
  completed: ['submitted'],
  failed: [],
  cancelled: [],
};

export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a claim may be in for a move to `to` to be legal. */
export function allowedFrom(to: ClaimStatus): ClaimStatus[] {
  return CLAIM_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

/** No status change can follow (a completed claim can still be reorged back to submitted until final). */
export function isTerminal(status: ClaimStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
