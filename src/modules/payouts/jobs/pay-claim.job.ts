import type { JobsOptions } from 'bullmq';
import type { TracedJobData } from '../../../platform/tracing/job-context';

/**
 * Queue contract for paying one claim. The job is derived from the committed claim row (outbox): its id
 * IS the claim id, so BullMQ keeps at most one live job per claim however often it is enqueued.
 */
export const PAY_CLAIM_QUEUE = 'claims';
export const PAY_CLAIM_JOB = 'pay-claim';

/** `requestId` and `traceparent` (optional) carry the enqueuing request's id and trace into the job. */
export interface PayClaimJobData extends TracedJobData {
  claimId: string;
}

export function payClaimJobId(claimId: string): string {
  return claimId;
}

/** Attempts and backoff: PAY_CLAIM_ATTEMPTS (8) and PAY_CLAIM_BACKOFF_MS (2000, exponential). */
export function payClaimJobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
