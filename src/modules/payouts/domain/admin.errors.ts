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

/**
 * A resync that would hand out a nonce a stored payout already holds: every new payout would then hit the
 * unique (signer, chain, nonce) constraint and give the nonce back, and the signer would stall. Refused even
 * with force; the payout named here settles (or is dropped) first.
 */
export class NonceHeldByPayoutError extends DomainError {
  constructor(address: string, target: number, payout: { id: string; nonce: number; status: string }) {
    super(
      'SIGNER.NONCE_HELD',
      `Signer ${address}: the chain's pending nonce is ${target}, but payout ${payout.id} (${payout.status}) holds nonce ${payout.nonce}; ` +
        'a resync below a stored payout would stall the signer, so it is refused (force or not) and the nonce allocation is unchanged',
    );
  }
}
