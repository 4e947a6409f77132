import { Command } from '@nestjs/cqrs';

/** Outbox recovery: re-enqueue committed pending claims and claims whose lease expired. */
export class SweepClaimsCommand extends Command<{ requeued: number }> {}
