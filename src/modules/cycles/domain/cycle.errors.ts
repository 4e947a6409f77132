import { DomainError } from '../../../platform/errors/domain-error';

export class GroupNotFoundError extends DomainError {
  constructor(id: string) {
    super('GROUP.NOT_FOUND', `No savings group with id ${id}`);
  }
}

/**
 * A claim with the cycle's reason (so its idempoKey) already exists and cannot be this cycle's payout: it
 * was not created by the cycles module, or it is cancelled. Reusing it would complete the cycle without
 * paying the member, so completion stops here and the cycle stays incomplete (logged at every attempt).
 * Reserved reasons make this impossible for new claims; only rows from before them can cause it.
 */
export class CyclePayoutClaimConflictError extends DomainError {
  constructor(groupId: string, cycle: number, claimId: string, client: string, status: string) {
    super(
      'CYCLE.PAYOUT_CLAIM_CONFLICT',
      `Cycle ${cycle} of group ${groupId} cannot complete: its payout reason is taken by claim ${claimId} ` +
        `(client "${client}", status ${status}), which is not a live cycle payout.`,
    );
  }
}

export class CycleNotFoundError extends DomainError {
  constructor(groupId: string, cycle: number | string) {
    super('CYCLE.NOT_FOUND', `Group ${groupId} has no completed cycle ${cycle}`);
  }
}

export class CycleNotRepayableError extends DomainError {
  constructor(groupId: string, cycle: number, claimId: string, status: string) {
    super(
      'CYCLE.NOT_REPAYABLE',
      `Cycle ${cycle} of group ${groupId} is paid by claim ${claimId}, which is ${status}; only a failed or cancelled cycle payout can be repaid`,
    );
  }
}
