import { Command } from '@nestjs/cqrs';

export type CompleteCycleResult =
  | { status: 'completed'; groupId: string; cycle: number; claimId: string; wallet: string; amount: string; claimCreated: boolean }
  | { status: 'incomplete'; groupId: string; cycle: number; contributed: number; expected: number }
  /** lost the race on UNIQUE (group_id, cycle_number): another transaction completed this cycle */
  | { status: 'already-completed'; groupId: string };

/** "Check and complete": completes the group's current cycle if every member has contributed. Safe to repeat. */
export class CompleteCycleCommand extends Command<CompleteCycleResult> {
  constructor(
    readonly groupId: string,
    /** audit actor for the payout claim, e.g. `worker:<id>` */
    readonly actor: string,
  ) {
    super();
  }
}
