import type { JobsOptions, Queue } from 'bullmq';

/**
 * The dead-letter queue: a parking lot (no processor) for pay-claim jobs that exhausted their attempts,
 * with the reason. jobId = claim id. Listed and retried through the admin API.
 */
export const DEAD_LETTER_QUEUE = 'dead-letter';
export const DEAD_LETTER_JOB = 'dead-pay-claim';

export interface DeadLetterData {
  claimId: string;
  reason: string;
  attemptsMade: number;
  failedAt: string;
}

export const DEAD_LETTER_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: false };

/**
 * The ids of every claim parked in the dead-letter queue (job id = claim id), in one Redis round trip: the
 * sweeper asks once per tick instead of once per claim. Parked jobs never run (no processor), so they wait.
 */
export async function deadLetteredClaimIds(deadLetters: Queue<DeadLetterData>): Promise<Set<string>> {
  return new Set(await deadLetters.getRanges(['waiting', 'delayed', 'prioritized'], 0, -1));
}
