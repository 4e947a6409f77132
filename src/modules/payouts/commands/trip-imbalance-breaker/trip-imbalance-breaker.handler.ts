import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { ALL_TOKENS, PausesRepository } from '../../persistence/pauses.repository';
import { TripImbalanceBreakerCommand } from './trip-imbalance-breaker.command';

/**
 * The token an imbalance in `currency` pauses: that token when it is configured (the books of the other
 * currencies balance, their payouts are booked correctly), else every token (postings in a currency Payrail
 * does not pay can only come from outside it; nothing narrower can be trusted).
 */
export function tokenOfCurrency(chain: ChainService, currency: string): string {
  return chain.token(currency) ? currency : ALL_TOKENS;
}

/**
 * The imbalance breaker. Every journal is balanced per currency by a constraint trigger checked at commit
 * (migrations/…-Foundation.ts, `ledger_journal_balanced`), and postings are append-only, so any committed
 * snapshot of the ledger sums to zero per currency: a non-zero sum is never a transient of payouts in flight,
 * it means the books were changed outside Payrail (triggers disabled, manual SQL). Payouts of that currency
 * pause until an admin, having corrected the books, resumes (ResumePayoutsHandler refuses while the sum is
 * still not zero). Idempotent: a token already paused for `imbalance` stays paused as it was.
 */
@CommandHandler(TripImbalanceBreakerCommand)
export class TripImbalanceBreakerHandler implements ICommandHandler<TripImbalanceBreakerCommand> {
  private readonly logger = new Logger('Breaker');

  constructor(
    private readonly chain: ChainService,
    private readonly pauses: PausesRepository,
  ) {}

  async execute(cmd: TripImbalanceBreakerCommand): Promise<string[]> {
    const tripped: string[] = [];
    for (const [currency, sum] of Object.entries(cmd.sums)) {
      if (BigInt(sum) === 0n) continue;
      const token = tokenOfCurrency(this.chain, currency);
      if (await this.pauses.pause(token, 'imbalance', 'breaker')) {
        tripped.push(token);
        this.logger.error(
          `payouts of ${token === ALL_TOKENS ? 'every token' : token} paused (imbalance): the ledger's postings in ${currency} sum to ${sum} base units, not 0 ` +
            `(GET /v1/ledger/trial-balance); correct the books, then POST /v1/admin/payouts/resume`,
        );
      }
    }
    return tripped;
  }
}
