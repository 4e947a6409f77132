import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { WORKER_ID } from '../../../platform/queue/worker-id';
import { CompleteDueCyclesCommand } from '../commands/complete-due-cycles/complete-due-cycles.command';
import { CYCLE_SWEEP_EVERY_MS, CYCLE_SWEEP_JOB, CYCLE_SWEEP_QUEUE } from './cycle-sweep.job';

@Processor(CYCLE_SWEEP_QUEUE, { concurrency: 1 })
export class CycleSweepProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @InjectQueue(CYCLE_SWEEP_QUEUE) private readonly queue: Queue,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      CYCLE_SWEEP_JOB,
      { every: CYCLE_SWEEP_EVERY_MS },
      { name: CYCLE_SWEEP_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  async process(): Promise<{ completed: number; failed: number }> {
    return this.cls.run(() => this.commands.execute(new CompleteDueCyclesCommand(`worker:${this.workerId}`)));
  }
}
