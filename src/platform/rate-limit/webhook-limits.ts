import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RateLimitRedis } from './rate-limit.redis';
import { limitExceeded, rateLimitHeaders, rateLimitKey, stateAfter } from './rate-limit.policies';

const WINDOW_MS = 60_000;

/**
 * The inbound webhook budgets, counted where the signature verdict is known (not in the global guard):
 * - `webhook-provider`: RL_WEBHOOK_PER_MIN a minute per provider, counted only for verified requests, so
 *   forged posts can never spend a provider's budget and get its genuine events refused;
 * - `webhook-failures`: RL_WEBHOOK_FAILURES_PER_MIN_IP failed verifications a minute per client IP; once
 *   spent, that IP's webhook posts are 429 before any verification work (webhooks are exempt from `ip`).
 * Redis down: let through (fail open, logged), like the other limits.
 */
@Injectable()
export class WebhookRateLimits {
  private readonly log = new Logger('RateLimit');
  private lastWarnAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly redis: RateLimitRedis,
  ) {}

  private failuresKey(ip: string): string {
    return rateLimitKey(this.config, 'webhook-failures', ip);
  }

  /** 429 when `ip` has spent its failed-verification budget (nothing counted here). */
  async refuseIfFailing(ip: string): Promise<void> {
    const limit = this.config.rlWebhookFailuresPerMinIp;
    let count: number;
    let pttl: number;
    try {
      const key = this.failuresKey(ip);
      const [c, t] = await Promise.all([this.redis.client.get(key), this.redis.client.pttl(key)]);
      count = Number(c ?? 0);
      pttl = t;
    } catch (err) {
      this.failOpen(err);
      return;
    }
    if (count < limit) return;
    throw limitExceeded({ name: 'webhook-failures', q: limit, w: WINDOW_MS / 1000, r: 0, t: Math.max(1, Math.ceil(pttl / 1000)) });
  }

  /** Counts one failed verification from `ip` (the window starts at its first failure). */
  async recordFailure(ip: string): Promise<void> {
    try {
      const key = this.failuresKey(ip);
      const n = await this.redis.client.incr(key);
      if (n === 1 || (await this.redis.client.pttl(key)) < 0) await this.redis.client.pexpire(key, WINDOW_MS);
    } catch (err) {
      this.failOpen(err);
    }
  }

  /**
   * Counts a verified request into its provider's budget: the RateLimit headers to send, or a 429 thrown
   * when the budget is spent.
   */
  async countProvider(provider: string): Promise<Record<string, string>> {
    const limit = this.config.rlWebhookPerMin;
    let record;
    try {
      record = await this.storage.increment(rateLimitKey(this.config, 'webhook-provider', provider.toLowerCase()), WINDOW_MS, limit, WINDOW_MS, 'webhook-provider');
    } catch (err) {
      this.failOpen(err);
      return {};
    }
    const state = stateAfter('webhook-provider', limit, WINDOW_MS, record);
    if (record.isBlocked) throw limitExceeded(state);
    return rateLimitHeaders([state]);
  }

  private failOpen(err: unknown): void {
    if (Date.now() - this.lastWarnAt > 10_000) {
      this.lastWarnAt = Date.now();
      this.log.warn(`webhook rate limiting skipped, Redis unavailable: ${(err as Error).name}`);
    }
  }
}
