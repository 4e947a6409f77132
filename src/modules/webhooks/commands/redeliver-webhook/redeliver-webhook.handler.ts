import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { toDeliveryView, DeliveryView } from '../../domain/endpoint.view';
import {
  WebhookDeliveryInProgressError,
  WebhookDeliveryNotFoundError,
  WebhookEndpointDisabledError,
  WebhookEndpointNotFoundError,
} from '../../domain/webhook.errors';
import {
  DELIVER_WEBHOOK_JOB,
  DELIVER_WEBHOOK_JOB_OPTIONS,
  DeliverWebhookJobData,
  deliveryJobId,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../jobs/webhook-delivery.job';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { RedeliverWebhookCommand } from './redeliver-webhook.command';

@CommandHandler(RedeliverWebhookCommand)
export class RedeliverWebhookHandler implements ICommandHandler<RedeliverWebhookCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: WebhookEndpointsRepository,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
  ) {}

  async execute(cmd: RedeliverWebhookCommand): Promise<DeliveryView> {
    const attempt = await this.txHost.withTransaction(async () => {
      const endpoint = await this.repo.findEndpoint(cmd.endpointId, cmd.owner);
      if (!endpoint) throw new WebhookEndpointNotFoundError(cmd.endpointId);
      if (endpoint.status === 'disabled') throw new WebhookEndpointDisabledError(cmd.endpointId);
      const d = await this.repo.findDelivery(cmd.endpointId, cmd.deliveryId);
      if (!d) throw new WebhookDeliveryNotFoundError(cmd.deliveryId);
      const next = await this.repo.restart(cmd.endpointId, cmd.deliveryId);
      if (next === null) throw new WebhookDeliveryInProgressError(cmd.deliveryId);
      return next;
    });
    const jobId = deliveryJobId(cmd.deliveryId, attempt);
    await this.queue.add(DELIVER_WEBHOOK_JOB, { deliveryId: cmd.deliveryId, attempt }, { ...DELIVER_WEBHOOK_JOB_OPTIONS, jobId });
    // a retry already scheduled for this attempt number: run it now instead of at its scheduled time
    const job = await this.queue.getJob(jobId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    const d = (await this.repo.findDelivery(cmd.endpointId, cmd.deliveryId))!;
    return toDeliveryView(d, await this.repo.attemptsOf([d.id]));
  }
}
