/** Published after the claim's transaction commits (transactional outbox: commit, then enqueue). */
export class ClaimCreatedEvent {
  constructor(readonly claimId: string) {}
}
