import { Injectable, Logger } from '@nestjs/common';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { FundingSync } from '../funding-sync.service';

/** How often a process looks for treasury top-ups on chain. */
export const FUNDING_SYNC_MS = 3000;

/**
 * Funding concern: treasury top-ups and outside withdrawals are booked at a final block whether or not
 * payouts are open (FundingSync), every FUNDING_SYNC_MS per process. Errors wait for the next turn.
 */
@Injectable()
export class FundingWatch {
  private readonly logger = new Logger('ChainWatch');
  private last = 0;

  constructor(private readonly funding: FundingSync) {}

  async run(): Promise<void> {
    if (Date.now() - this.last <= FUNDING_SYNC_MS) return;
    this.last = Date.now();
    await this.funding.sync().catch((err: Error) => this.logger.warn(`funding sync failed (next tick retries): ${redactRpcUrl(err.message)}`));
  }
}
