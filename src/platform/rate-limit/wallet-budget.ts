import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RateLimitedError } from './rate-limit.errors';
import { CLAIMS_WALLET_TTL_MS, limitExceeded, rateLimitKey, stateAfter } from './rate-limit.policies';

/**
 * The `claims-wallet` budget (RL_CLAIMS_PER_HOUR_WALLET an hour per wallet) for callers that create claims
 * for many wallets in one request (bulk intake): the same Redis keys, window and block as the guard counts
 * on POST /v1/claims, so a wallet's claims count into ONE budget whichever route creates them.
 * Redis down: let through (fail open, logged), like the guard.
 */
@Injectable()
export class WalletBudget {
  private readonly log = new Logger('RateLimit');
  private lastWarnAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
  ) {}

  /**
   * Counts one claim per entry (a wallet address, any case), in order: for each, null when it fits, or the
   * 429 to answer for it when its wallet's budget is spent. The increments are sent together (one round
   * trip's worth of pipelined commands); Redis applies them in the order given.
   */
  async spend(wallets: string[]): Promise<(RateLimitedError | null)[]> {
    const limit = this.config.rlClaimsPerHourWallet;
    return Promise.all(
      wallets.map(async (wallet) => {
        let record;
        try {
          const key = rateLimitKey(this.config, 'claims-wallet', wallet.toLowerCase());
          record = await this.storage.increment(key, CLAIMS_WALLET_TTL_MS, limit, CLAIMS_WALLET_TTL_MS, 'claims-wallet');
        } catch (err) {
          this.failOpen(err);
          return null;
        }
        return record.isBlocked ? limitExceeded(stateAfter('claims-wallet', limit, CLAIMS_WALLET_TTL_MS, record)) : null;
      }),
    );
  }

  private failOpen(err: unknown): void {
    if (Date.now() - this.lastWarnAt > 10_000) {
      this.lastWarnAt = Date.now();
      this.log.warn(`wallet rate limiting skipped, Redis unavailable: ${(err as Error).name}`);
    }
  }
}
