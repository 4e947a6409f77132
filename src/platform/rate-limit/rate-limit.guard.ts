import { Injectable, Logger } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { RateLimitedError } from './rate-limit.errors';
import { limitExceeded, LimitedRequest, PolicyName, RL_COUNTED, RL_STATES, rateLimitHeaders, stateAfter } from './rate-limit.policies';

/**
 * @nestjs/throttler with the Redis storage, answering with the IETF RateLimit headers and a 429 problem.
 * Registered globally (before the auth guard: `ip`) and again on POST /v1/claims after
 * authentication (`claims-wallet`); each policy is counted at most once per request. If Redis is down the
 * request is let through (fail open, logged): Postgres constraints, not the limiter, guard the money.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimit');
  private lastWarnAt = 0;

  protected override async handleRequest(p: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(p.context) as { req: LimitedRequest; res: FastifyReply };
    const name = p.throttler.name as PolicyName;
    const tracker = await p.getTracker(req, p.context);
    const key = p.generateKey(p.context, tracker, name);
    const refused = await countPolicy(this.storageService, req, res, { name, key, ttl: p.ttl, limit: p.limit, blockDuration: p.blockDuration }, this.failOpen);
    if (refused) throw refused;
    return true;
  }

  private readonly failOpen = (err: unknown) => {
    if (Date.now() - this.lastWarnAt > 10_000) {
      this.lastWarnAt = Date.now();
      this.log.warn(`rate limiting skipped, Redis unavailable: ${(err as Error).name}`);
    }
  };
}

/**
 * Counts one request into a policy's budget: sets the RateLimit headers on the reply and returns the 429 to
 * answer when the budget is spent (null otherwise, and when Redis is down: fail open, `onStorageError`).
 * The global guard uses it, and so do routes Nest's guards never see (the queue board's Fastify hook).
 */
export async function countPolicy(
  storage: ThrottlerStorage,
  req: LimitedRequest,
  res: FastifyReply,
  p: { name: PolicyName; key: string; ttl: number; limit: number; blockDuration: number },
  onStorageError: (err: unknown) => void,
): Promise<RateLimitedError | null> {
  let record;
  try {
    record = await storage.increment(p.key, p.ttl, p.limit, p.blockDuration, p.name);
  } catch (err) {
    onStorageError(err);
    return null;
  }
  (req[RL_COUNTED] ??= new Set()).add(p.name);
  const state = stateAfter(p.name, p.limit, p.ttl, record);
  const states = (req[RL_STATES] ??= []);
  states.push(state);
  void res.headers(rateLimitHeaders(states));
  return record.isBlocked ? limitExceeded(state, states) : null;
}
