import { DomainError } from '../../../platform/errors/domain-error';

export class ClaimNotFoundError extends DomainError {
  constructor(id: string) {
    super('CLAIM.NOT_FOUND', `No claim with id ${id}`);
  }
}

/**
 * 409: the entitlement (idempoKey, global) already has a claim that another API key created. Its id and state
 * are not shown: a key sees only its own claims.
 */
export class EntitlementClaimedByAnotherClientError extends DomainError {
  constructor() {
    super('CLAIM.CLAIMED_BY_ANOTHER_CLIENT', 'This entitlement (wallet, amount, token, reason) already has a claim created by another client.');
  }
}

export class ClaimNotCancellableError extends DomainError {
  constructor(id: string, status: string) {
    super('CLAIM.NOT_CANCELLABLE', `Claim ${id} is ${status}; only pending claims can be cancelled`);
  }
}

export class UnknownTokenError extends DomainError {
  constructor(token: string, known: string[]) {
    super('CLAIM.UNKNOWN_TOKEN', `Unknown token "${token}"; configured: ${known.join(', ')}`, 'token');
  }
}

/** 422: the amount is above LIMIT_PER_CLAIM for its token (API.md "Treasury controls"); nothing is stored. */
export class ClaimOverLimitError extends DomainError {
  constructor(token: string, limit: string) {
    super('CLAIM.OVER_LIMIT', `The amount is above the limit per claim for ${token} (${limit} ${token}); nothing was stored.`, 'amount');
  }
}
