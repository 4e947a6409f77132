import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PURGE_BATCH } from './cleanup.job';
import { IdempotencyStore } from './idempotency.store';
import { PurgeExpiredIdempotencyRecordsCommand } from './purge-expired.command';

@CommandHandler(PurgeExpiredIdempotencyRecordsCommand)
export class PurgeExpiredIdempotencyRecordsHandler implements ICommandHandler<PurgeExpiredIdempotencyRecordsCommand> {
  constructor(private readonly store: IdempotencyStore) {}

  /** In batches, so one tick never holds a long transaction; stops after 20 batches (the next tick goes on). */
  async execute(): Promise<{ deleted: number }> {
    let deleted = 0;
    for (let i = 0; i < 20; i++) {
      const n = await this.store.purgeExpired(PURGE_BATCH);
      deleted += n;
      if (n < PURGE_BATCH) break;
    }
    return { deleted };
  }
}
