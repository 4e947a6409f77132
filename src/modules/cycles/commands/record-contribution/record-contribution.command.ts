import { Command } from '@nestjs/cqrs';

export type RecordContributionResult =
  | { status: 'recorded'; groupId: string; cycle: number; contributionId: string }
  | { status: 'rejected'; reason: string; groupId: string | null };

/**
 * Records one settled contribution reported by a payment provider (`contribution.settled`). Joins the
 * caller's transaction (the webhook event's status changes with it); a mismatch is a `rejected` result,
 * not an exception, and has no ledger effect.
 */
export class RecordContributionCommand extends Command<RecordContributionResult> {
  constructor(
    readonly provider: string,
    /** `<provider>:<event id>`, kept with the contribution for audit */
    readonly sourceEvent: string,
    /** the event's `data`, not yet validated */
    readonly data: unknown,
  ) {
    super();
  }
}
