import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job, Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { WORKER_ID } from '../../../platform/queue/worker-id';
import { SettlePayoutsCommand } from '../commands/settle-payouts/settle-payouts.command';
import { SweepClaimsCommand } from '../commands/sweep/sweep-claims.command';
import { CHAIN_WATCH_QUEUE, SCHEDULER_KEEPER_MS, SETTLE_JOB, SWEEP_EVERY_MS, SWEEP_JOB } from './chain-watch.job';

/** Repeatable ticks (job schedulers): settlement every CONFIRM_POLL_MS, outbox sweep every 5 s. */
@Processor(CHAIN_WATCH_QUEUE, { concurrency: 1 })
export class ChainWatchProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private keeper: NodeJS.Timeout | null = null;
  private readonly logger = new Logger('ChainWatch');

  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @InjectQueue(CHAIN_WATCH_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSchedulers();
    // Redis may lose everything (FLUSHALL, a restart without persistence): re-create the schedulers so the
    // watcher and the sweeper always come back; Postgres holds the state they recover from.
    this.keeper = setInterval(() => void this.ensureSchedulers().catch(() => undefined), SCHEDULER_KEEPER_MS);
    this.keeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.keeper) clearInterval(this.keeper);
  }

  private async ensureSchedulers(): Promise<void> {
    const opts = { removeOnComplete: true, removeOnFail: 100 };
    await this.queue.upsertJobScheduler(SETTLE_JOB, { every: this.config.confirmPollMs }, { name: SETTLE_JOB, opts });
    await this.queue.upsertJobScheduler(SWEEP_JOB, { every: SWEEP_EVERY_MS }, { name: SWEEP_JOB, opts });
  }

  async process(job: Job): Promise<unknown> {
    return this.cls.run(async () => {
      if (job.name === SETTLE_JOB) return this.commands.execute(new SettlePayoutsCommand(`worker:${this.workerId}`));
      if (job.name === SWEEP_JOB) return this.commands.execute(new SweepClaimsCommand());
      this.logger.warn(`unknown job ${job.name}`);
      return null;
    });
  }
}
