/**
 * Queue contract for the cycles safety net: one repeatable job (a BullMQ job scheduler, one tick at a time
 * across all workers) that completes any cycle whose contributions are all in but which was not completed
 * (the process died between recording the last contribution and completing). Completion is idempotent.
 */
export const CYCLE_SWEEP_QUEUE = 'cycle-sweep';
export const CYCLE_SWEEP_JOB = 'complete-due-cycles';
export const CYCLE_SWEEP_EVERY_MS = 15_000;
