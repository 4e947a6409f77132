import { Command } from '@nestjs/cqrs';

/**
 * `waiting-for-funds`: the treasury cannot cover the claim; it was given back (pending) and the job should
 * be retried later without spending an attempt. `stored-broadcast-failed`: the payout is stored (the claim is
 * `submitted`) but its broadcast failed; the failure is on the payout and the chain watcher takes it from
 * there, so the job is done.
 */
export type PayClaimOutcome = 'paid' | 'rebroadcast' | 'stored-broadcast-failed' | 'nothing-to-do' | 'leased-elsewhere' | 'waiting-for-funds';

export class PayClaimCommand extends Command<PayClaimOutcome> {
  constructor(
    readonly claimId: string,
    /** `worker:<id>`: the lease owner and audit actor */
    readonly worker: string,
  ) {
    super();
  }
}
