import { Command } from '@nestjs/cqrs';

/** Deletes Idempotency-Key records past their TTL (reads already ignore them). */
export class PurgeExpiredIdempotencyRecordsCommand extends Command<{ deleted: number }> {}
