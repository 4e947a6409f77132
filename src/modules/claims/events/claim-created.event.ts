/**
 * Published after the claim's transaction commits (transactional outbox: commit, then enqueue), and when a held
 * claim is approved: the claim is pending and needs its payout job.
 */
export class ClaimCreatedEvent {
  constructor(readonly claimId: string) {}
}

/**
 * Published after a bulk request's transaction commits (POST /v1/claims/batch): every claim it created, in
 * order, with its token. The payouts module enqueues them together (one job per claim, as for single claims).
 */
export class ClaimsCreatedEvent {
  constructor(readonly claims: readonly { id: string; token: string }[]) {}
}

/**
 * Published after claims were stored or moved `held` (above APPROVAL_ABOVE, or to a denied wallet) and committed:
 * outbound webhook `claim.held`. Nothing is enqueued for them until an admin approves.
 */
export class ClaimsHeldEvent {
  constructor(readonly claimIds: readonly string[]) {}
}
