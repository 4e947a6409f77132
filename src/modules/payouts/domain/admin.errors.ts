import { DomainError } from '../../../platform/errors/domain-error';

export class DeadLetterNotFoundError extends DomainError {
  constructor(jobId: string) {
    super('DLQ.NOT_FOUND', `No dead-lettered job ${jobId}`);
  }
}

export class ClaimNotRequeueableError extends DomainError {
  constructor(detail: string) {
    super('CLAIM.NOT_REQUEUEABLE', detail);
  }
}

export class SignerNotFoundError extends DomainError {
  constructor(address: string) {
    super('SIGNER.NOT_FOUND', `No signer ${address} on this chain`);
  }
}

export class SignerInFlightError extends DomainError {
  constructor(address: string, n: number) {
    super('SIGNER.IN_FLIGHT', `Signer ${address} has ${n} payout(s) in flight; resync refused (use force only if you know why)`);
  }
}
