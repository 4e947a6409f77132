/** Published after the claim's transaction commits (transactional outbox: commit, then enqueue). */
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
