import { OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { SweepWebhooksCommand } from '../commands/sweep-webhooks/sweep-webhooks.command';
import { WEBHOOKS_SWEEP_EVERY_MS, WEBHOOKS_SWEEP_JOB, WEBHOOKS_SWEEP_QUEUE } from './webhooks-sweep.job';

@Processor(WEBHOOKS_SWEEP_QUEUE, { concurrency: 1 })
export class WebhooksSweepProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @InjectQueue(WEBHOOKS_SWEEP_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      WEBHOOKS_SWEEP_JOB,
      { every: WEBHOOKS_SWEEP_EVERY_MS },
      { name: WEBHOOKS_SWEEP_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  async process(): Promise<unknown> {
    return this.cls.run(() => this.commands.execute(new SweepWebhooksCommand()));
  }
}
