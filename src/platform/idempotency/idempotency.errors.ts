import { DomainError } from '../errors/domain-error';

/** Same Idempotency-Key, different request (method, path or body): 422, nothing executed. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY.KEY_REUSED',
      'This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.',
    );
  }
}

/** The first request with this key is still running: 409 with Retry-After: 1. */
export class IdempotencyInFlightError extends DomainError {
  readonly headers = { 'retry-after': '1' };
  constructor() {
    super('IDEMPOTENCY.IN_FLIGHT', 'A request with this Idempotency-Key is still being processed. Retry in a moment.');
  }
}
