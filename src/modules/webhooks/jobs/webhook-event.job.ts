import type { JobsOptions } from 'bullmq';

/**
 * Queue contract for processing one stored inbound webhook event. The event row is committed first; the
 * job's id IS the event's id, so however often it is enqueued (HTTP intake, the sweeper) one live job
 * exists per event. Processing is idempotent (the event moves out of `received` in the same transaction as
 * its effect).
 */
export const WEBHOOK_EVENT_QUEUE = 'webhook-events';
export const PROCESS_WEBHOOK_EVENT_JOB = 'process-webhook-event';

export interface ProcessWebhookEventJobData {
  eventId: string;
}

export function webhookEventJobId(eventId: string): string {
  return eventId;
}

export const PROCESS_WEBHOOK_EVENT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
