import { Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { DeliverOutcome, DeliverWebhookCommand } from '../commands/deliver-webhook/deliver-webhook.command';
import { DeliverWebhookJobData, WEBHOOK_DELIVERY_QUEUE } from './webhook-delivery.job';

/** Thin adapter: one job = one attempt. Deliveries are I/O-bound, hence the higher concurrency. */
@Processor(WEBHOOK_DELIVERY_QUEUE, { concurrency: 10 })
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
  ) {
    super();
  }

  async process(job: Job<DeliverWebhookJobData>): Promise<DeliverOutcome> {
    return this.cls.run(() => this.commands.execute(new DeliverWebhookCommand(job.data.deliveryId, job.data.attempt)));
  }
}
