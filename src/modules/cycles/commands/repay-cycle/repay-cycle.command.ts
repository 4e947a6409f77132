import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../../claims/domain/claim.view';

export interface RepayCycleResult {
  /** the cycle's payout claim now: the new repay claim, or the live one an earlier repay created */
  claim: ClaimView;
  /** false: an earlier repay's claim is still live (or paid), returned as it is */
  created: boolean;
}

/** Admin: pay a completed cycle again because its payout claim failed on chain or was cancelled. */
export class RepayCycleCommand extends Command<RepayCycleResult> {
  constructor(
    readonly groupId: string,
    readonly cycle: number,
    /** audit actor, `admin` */
    readonly actor: string,
  ) {
    super();
  }
}
