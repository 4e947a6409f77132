import { Command } from '@nestjs/cqrs';

/**
 * The ledger's trial balance is not zero (currency -> sum of all its postings, base units; zero entries are
 * ignored): pause the payouts it concerns (reason `imbalance`, actor `breaker`). Sent by the reconciliation,
 * which sums the postings anyway. Returns the tokens this call paused (empty when already paused).
 */
export class TripImbalanceBreakerCommand extends Command<string[]> {
  constructor(readonly sums: Record<string, string>) {
    super();
  }
}
