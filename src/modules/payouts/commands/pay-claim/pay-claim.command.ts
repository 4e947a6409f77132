import { Command } from '@nestjs/cqrs';

/**
 * `waiting-for-funds`: the treasury cannot cover the claim; it was given back (pending) and the job should
 * be retried later without spending an attempt.
 */
export type PayClaimOutcome = 'paid' | 'rebroadcast' | 'nothing-to-do' | 'leased-elsewhere' | 'waiting-for-funds';

export class PayClaimCommand extends Command<PayClaimOutcome> {
  constructor(
    readonly claimId: string,
    /** `worker:<id>`: the lease owner and audit actor */
    readonly worker: string,
  ) {
    super();
  }
}
