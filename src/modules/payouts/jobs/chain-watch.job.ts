/**
 * Queue contract for the chain watcher: one repeatable job (a BullMQ job scheduler, so one tick at a time
 * across all worker processes) that settles mined payouts, re-broadcasts unsent ones and sweeps the outbox.
 */
export const CHAIN_WATCH_QUEUE = 'chain-watch';
export const SETTLE_JOB = 'settle-payouts';
export const SWEEP_JOB = 'sweep-claims';
export const SWEEP_EVERY_MS = 5000;
export const SCHEDULER_KEEPER_MS = 5000;
