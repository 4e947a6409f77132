/**
 * Queue contract for the webhooks outbox sweeper: one repeatable job (a BullMQ job scheduler, one tick at a
 * time across all workers) that re-enqueues inbound events still `received` after a while (their job was
 * lost between commit and enqueue) and outbound attempts that are overdue or whose worker died mid-request.
 */
export const WEBHOOKS_SWEEP_QUEUE = 'webhooks-sweep';
export const WEBHOOKS_SWEEP_JOB = 'sweep-webhooks';
export const WEBHOOKS_SWEEP_EVERY_MS = 5000;
