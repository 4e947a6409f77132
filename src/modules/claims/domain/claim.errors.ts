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
    super('CLAIM.NOT_CANCELLABLE', `Claim ${id} is ${status}; only pending or held claims can be cancelled`);
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

/** 403: the wallet is on the denylist (API.md "Treasury controls"); nothing was stored. */
export class WalletDeniedError extends DomainError {
  constructor(detail = 'The wallet is on the denylist; no claim to it is accepted or paid.') {
    super('CLAIM.WALLET_DENIED', detail, 'wallet');
  }
}

/** 409: approve or reject asked of a claim that is not held (and was not already moved that way). */
export class ClaimNotHeldError extends DomainError {
  constructor(id: string, status: string) {
    super('CLAIM.NOT_HELD', `Claim ${id} is ${status}; only a held claim can be approved or rejected`);
  }
}

/** 403: an admin approving a claim that same admin created (four eyes: the approver is another admin). */
export class SelfApprovalError extends DomainError {
  constructor(id: string) {
    super('CLAIM.SELF_APPROVAL', `Claim ${id} was created by this admin; another admin must approve it`);
  }
}

/** 404: DELETE of an address that is not on the denylist. */
export class NotDeniedError extends DomainError {
  constructor(address: string) {
    super('DENYLIST.NOT_FOUND', `${address} is not on the denylist`);
  }
}
