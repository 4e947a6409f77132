import { Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import {
  DELIVER_WEBHOOK_JOB,
  DELIVER_WEBHOOK_JOB_OPTIONS,
  DeliverWebhookJobData,
  deliveryJobId,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../jobs/webhook-delivery.job';
import {
  PROCESS_WEBHOOK_EVENT_JOB,
  PROCESS_WEBHOOK_EVENT_JOB_OPTIONS,
  ProcessWebhookEventJobData,
  WEBHOOK_EVENT_QUEUE,
  webhookEventJobId,
} from '../../jobs/webhook-event.job';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { WebhookEventsRepository } from '../../persistence/webhook-events.repository';
import { SweepWebhooksCommand } from './sweep-webhooks.command';

const RECEIVED_OLDER_THAN_SEC = 10;
const OVERDUE_GRACE_SEC = 10;

/** The webhooks outbox sweeper (see jobs/webhooks-sweep.job.ts). Postgres decides; Redis is only re-fed. */
@CommandHandler(SweepWebhooksCommand)
export class SweepWebhooksHandler implements ICommandHandler<SweepWebhooksCommand> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly events: WebhookEventsRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    @InjectQueue(WEBHOOK_EVENT_QUEUE) private readonly eventQueue: Queue<ProcessWebhookEventJobData>,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly deliveryQueue: Queue<DeliverWebhookJobData>,
  ) {}

  async execute(): Promise<{ events: number; deliveries: number; interrupted: number }> {
    let events = 0;
    for (const eventId of await this.events.staleReceived(RECEIVED_OLDER_THAN_SEC, 500)) {
      const jobId = webhookEventJobId(eventId);
      const existing = await this.eventQueue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') continue; // live job: leave it
        await existing.remove();
      }
      await this.eventQueue.add(PROCESS_WEBHOOK_EVENT_JOB, { eventId }, { ...PROCESS_WEBHOOK_EVENT_JOB_OPTIONS, jobId });
      events++;
    }
    const interrupted = await this.txHost.withTransaction(() => this.endpoints.releaseExpired(this.config.webhookRetryScheduleMs.length, 500));
    let deliveries = 0;
    for (const { id, attempt } of await this.endpoints.overdue(OVERDUE_GRACE_SEC, 500)) {
      // jobId dedupes: an attempt already waiting in Redis is not added twice
      await this.deliveryQueue.add(DELIVER_WEBHOOK_JOB, { deliveryId: id, attempt }, { ...DELIVER_WEBHOOK_JOB_OPTIONS, jobId: deliveryJobId(id, attempt) });
      deliveries++;
    }
    return { events, deliveries, interrupted };
  }
}
