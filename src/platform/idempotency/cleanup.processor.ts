import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job, Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { IDEMPOTENCY_CLEANUP_QUEUE, PURGE_EVERY_MS, PURGE_JOB, PURGE_JOB_OPTIONS } from './cleanup.job';
import { PurgeExpiredIdempotencyRecordsCommand } from './purge-expired.command';

/** Thin adapter: the repeatable tick dispatches the purge command. Registered for worker roles only. */
@Processor(IDEMPOTENCY_CLEANUP_QUEUE, { concurrency: 1 })
export class IdempotencyCleanupProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @InjectQueue(IDEMPOTENCY_CLEANUP_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(PURGE_JOB, { every: PURGE_EVERY_MS }, { name: PURGE_JOB, opts: PURGE_JOB_OPTIONS });
  }

  async process(job: Job): Promise<{ deleted: number } | null> {
    if (job.name !== PURGE_JOB) return null;
    return this.cls.run(() => this.commands.execute(new PurgeExpiredIdempotencyRecordsCommand()));
  }
}
