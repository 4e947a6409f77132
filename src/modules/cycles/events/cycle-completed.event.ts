/** Published after a cycle's completion commits: its payout claim exists and the group moved on. */
export class CycleCompletedEvent {
  constructor(
    readonly groupId: string,
    readonly cycle: number,
    readonly claimId: string,
    readonly wallet: string,
    readonly token: string,
    readonly amount: string,
    readonly amountBase: string,
  ) {}
}
