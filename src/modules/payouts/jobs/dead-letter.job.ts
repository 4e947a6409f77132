import type { JobsOptions } from 'bullmq';

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
