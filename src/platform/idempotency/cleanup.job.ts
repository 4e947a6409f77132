/**
 * Queue contract for the Idempotency-Key cleanup: one repeatable job (a BullMQ job scheduler, one tick at
 * a time across all worker processes) that deletes records past their IDEMPOTENCY_TTL_HOURS.
 */
export const IDEMPOTENCY_CLEANUP_QUEUE = 'idempotency-cleanup';
export const PURGE_JOB = 'purge-expired';
export const PURGE_EVERY_MS = 10 * 60 * 1000;
export const PURGE_BATCH = 5000;
export const PURGE_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 100 };
