/** Published after a payout's settlement commits. */
export class PayoutSettledEvent {
  constructor(
    readonly payoutId: string,
    readonly claimIds: string[],
    readonly success: boolean,
    readonly txHash: string,
  ) {}
}
