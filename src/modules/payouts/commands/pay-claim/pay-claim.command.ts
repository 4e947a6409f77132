import { Command } from '@nestjs/cqrs';

/**
 * `waiting-for-funds`: the treasury cannot cover the claim; it was given back (pending) and the job should
 * be retried later without spending an attempt. `stored-broadcast-failed`: the payout is stored (the claim is
 * `submitted`) but its broadcast failed; the failure is on the payout and the chain watcher takes it from
 * there, so the job is done. `lanes-busy` and `batch-window`: nothing was leased; the job is delayed (the
 * claim may meanwhile go out in another claim's batch, and then its job has nothing to do).
 */
export type PayClaimOutcome =
  | 'paid'
  | 'rebroadcast'
  | 'stored-broadcast-failed'
  | 'nothing-to-do'
  | 'leased-elsewhere'
  | 'waiting-for-funds'
  /** every lane has MAX_INFLIGHT_PER_SIGNER payouts unconfirmed: retried shortly, nothing leased, no attempt spent */
  | 'lanes-busy'
  /** BATCH_WINDOW_MS > 0 and the claim is younger than it: retried when the window closes, no attempt spent */
  | 'batch-window'
  /** payouts of its token are paused (admin or breaker): nothing signed, retried later, no attempt spent */
  | 'paused'
  /** LIMIT_PER_DAY or LIMIT_PER_WALLET_DAY leaves no room now: given back pending with the limit as lastError, retried later */
  | 'over-limit'
  /** its wallet is on the denylist: held before signing (an admin's to approve once the address is removed) */
  | 'held';

export class PayClaimCommand extends Command<PayClaimOutcome> {
  constructor(
    readonly claimId: string,
    /** `worker:<id>`: the lease owner and audit actor */
    readonly worker: string,
  ) {
    super();
  }
}
