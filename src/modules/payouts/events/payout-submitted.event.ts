/** Published after a payout's signed transaction was broadcast (the node accepted it). */
export class PayoutSubmittedEvent {
  constructor(
    readonly payoutId: string,
    readonly claimIds: string[],
    readonly txHash: string,
  ) {}
}
