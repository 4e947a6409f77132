import type { JobsOptions } from 'bullmq';

/**
 * Queue contract for ONE attempt of one outbound delivery. The schedule (Standard Webhooks: now, 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, jittered; WEBHOOK_RETRY_SCHEDULE) lives in Postgres: after a failed
 * attempt commits, the next attempt is enqueued as a delayed job. jobId = `<deliveryId>-<attempt>`, so an
 * attempt is enqueued at most once however often the sweeper re-adds it, and a stale job finds its attempt
 * already taken and does nothing. BullMQ's own retries cover only infrastructure errors (database down).
 */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-deliveries';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

export interface DeliverWebhookJobData {
  deliveryId: string;
  attempt: number;
}

export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}-${attempt}`;
}

export const DELIVER_WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  // the database holds the state; a failed job is dropped so the sweeper can enqueue the attempt again
  removeOnFail: true,
};
