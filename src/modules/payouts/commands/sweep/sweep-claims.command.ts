import { Command } from '@nestjs/cqrs';

/**
 * `reclaimed`: expired leases given back to pending; `requeued`: pending claims given a job;
 * `deadLettered`: pending claims parked in the dead-letter queue (left to an operator).
 */
export interface SweepResult {
  reclaimed: number;
  requeued: number;
  deadLettered: number;
}

/** Outbox recovery: re-enqueue committed pending claims and claims whose lease expired. */
export class SweepClaimsCommand extends Command<SweepResult> {}
