import { DomainError } from '../../../platform/errors/domain-error';

export class ClaimNotFoundError extends DomainError {
  constructor(id: string) {
    super('CLAIM.NOT_FOUND', `No claim with id ${id}`);
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
