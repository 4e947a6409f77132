import { Injectable, Logger } from '@nestjs/common';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { FloorBreaker } from '../floor-breaker.service';
import { FundingSync } from '../funding-sync.service';

/** How often a process looks for treasury top-ups on chain (and for a lane under TREASURY_FLOOR). */
export const FUNDING_SYNC_MS = 3000;

/**
 * Funding concern: treasury top-ups and outside withdrawals are booked at a final block whether or not
 * payouts are open (FundingSync), every FUNDING_SYNC_MS per process; on the same turn the floor breaker
 * looks at each lane's balance (FloorBreaker: nothing to read without a TREASURY_FLOOR). Errors wait for the
 * next turn, each concern's apart.
 */
@Injectable()
export class FundingWatch {
  private readonly logger = new Logger('ChainWatch');
  private last = 0;

  constructor(
    private readonly funding: FundingSync,
    private readonly floor: FloorBreaker,
  ) {}

  async run(): Promise<void> {
    if (Date.now() - this.last <= FUNDING_SYNC_MS) return;
    this.last = Date.now();
    await this.funding.sync().catch((err: Error) => this.logger.warn(`funding sync failed (next tick retries): ${redactRpcUrl(err.message)}`));
    await this.floor.check().catch((err: Error) => this.logger.warn(`floor check failed (next tick retries): ${redactRpcUrl(err.message)}`));
  }
}
