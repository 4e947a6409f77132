import { Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import {
  DELIVER_WEBHOOK_JOB,
  DELIVER_WEBHOOK_JOB_OPTIONS,
  DeliverWebhookJobData,
  deliveryJobId,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../jobs/webhook-delivery.job';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { PublishWebhookEventCommand } from './publish-webhook-event.command';

/**
 * Deliveries are rows first (body fixed once: `{type, timestamp, data}`; `webhook-id` = `msg_<uuid>`), then,
 * after commit, their first attempt is enqueued (the sweeper enqueues any that were lost).
 */
@CommandHandler(PublishWebhookEventCommand)
export class PublishWebhookEventHandler implements ICommandHandler<PublishWebhookEventCommand> {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: WebhookEndpointsRepository,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
  ) {}

  async execute(cmd: PublishWebhookEventCommand): Promise<{ deliveries: number }> {
    const payload = JSON.stringify({ type: cmd.type, timestamp: new Date().toISOString(), data: cmd.data });
    // one INSERT ... SELECT for every endpoint, however many there are (no statement per endpoint)
    const ids = await this.txHost.withTransaction(() =>
      this.repo.insertDeliveries({ eventType: cmd.type, eventKey: cmd.key, payload, owners: cmd.owners }),
    );
    for (const id of ids) {
      try {
        await this.queue.add(DELIVER_WEBHOOK_JOB, { deliveryId: id, attempt: 1 }, { ...DELIVER_WEBHOOK_JOB_OPTIONS, jobId: deliveryJobId(id, 1) });
      } catch (err) {
        this.logger.warn(`enqueue of delivery ${id} failed (the sweeper will retry): ${(err as Error).message}`);
      }
    }
    return { deliveries: ids.length };
  }
}
