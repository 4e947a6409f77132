import { DomainError } from '../errors/domain-error';

/** 429: the headers (Retry-After, RateLimit-Policy, RateLimit) travel with the problem response. */
export class RateLimitedError extends DomainError {
  constructor(
    policy: string,
    limit: number,
    windowSec: number,
    retryAfterSec: number,
    readonly headers: Record<string, string>,
  ) {
    super(
      'RATE_LIMIT.EXCEEDED',
      `Rate limit "${policy}" exceeded (${limit} requests per ${windowSec} s). Retry after ${retryAfterSec} s.`,
    );
  }
}
