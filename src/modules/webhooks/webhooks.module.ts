import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookEndpointsController } from './api/webhook-endpoints.controller';
import { WebhookEventsController } from './api/webhook-events.controller';
import { WebhooksController } from './api/webhooks.controller';
import { CreateWebhookEndpointHandler } from './commands/create-webhook-endpoint/create-webhook-endpoint.handler';
import { DeliverWebhookHandler } from './commands/deliver-webhook/deliver-webhook.handler';
import { ProcessWebhookEventHandler } from './commands/process-webhook-event/process-webhook-event.handler';
import { PublishWebhookEventHandler } from './commands/publish-webhook-event/publish-webhook-event.handler';
import { ReceiveWebhookHandler } from './commands/receive-webhook/receive-webhook.handler';
import { RecordWebhookEventFailureHandler } from './commands/record-webhook-event-failure/record-webhook-event-failure.handler';
import { RedeliverWebhookHandler } from './commands/redeliver-webhook/redeliver-webhook.handler';
import { SweepWebhooksHandler } from './commands/sweep-webhooks/sweep-webhooks.handler';
import { ClaimEventsPublisher } from './events/claim-events.publisher';
import { PublishOnClaimsHeldHandler } from './events/publish-on-claims-held.handler';
import { PublishOnCycleCompletedHandler } from './events/publish-on-cycle-completed.handler';
import { PublishOnPayoutSettledHandler } from './events/publish-on-payout-settled.handler';
import { PublishOnPayoutSubmittedHandler } from './events/publish-on-payout-submitted.handler';
import { WEBHOOK_DELIVERY_QUEUE } from './jobs/webhook-delivery.job';
import { WebhookDeliveryProcessor } from './jobs/webhook-delivery.processor';
import { WEBHOOK_EVENT_QUEUE } from './jobs/webhook-event.job';
import { WebhookEventProcessor } from './jobs/webhook-event.processor';
import { WEBHOOKS_SWEEP_QUEUE } from './jobs/webhooks-sweep.job';
import { WebhooksSweepProcessor } from './jobs/webhooks-sweep.processor';
import { WebhookEndpointsRepository } from './persistence/webhook-endpoints.repository';
import { WebhookEventsRepository } from './persistence/webhook-events.repository';
import { GetWebhookEndpointHandler } from './queries/get-webhook-endpoint/get-webhook-endpoint.handler';
import { ListWebhookDeliveriesHandler } from './queries/list-webhook-deliveries/list-webhook-deliveries.handler';
import { ListWebhookEventsHandler } from './queries/list-webhook-events/list-webhook-events.handler';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from './persistence/webhook.entity';

/**
 * Webhooks in (signed provider events, stored once, processed by a BullMQ processor that dispatches the
 * cycles commands) and out (endpoints, deliveries signed with Standard Webhooks headers, retried on the
 * spec's schedule). Talks to claims, payouts and cycles only through the buses and their domain events.
 */
@Module({})
export class WebhooksModule {
  /** `workers: false` (ROLE=api): the queues are registered as producers only. */
  static register(opts: { workers: boolean }): DynamicModule {
    const processors: Provider[] = opts.workers ? [WebhookEventProcessor, WebhookDeliveryProcessor, WebhooksSweepProcessor] : [];
    return {
      module: WebhooksModule,
      imports: [
        TypeOrmModule.forFeature([WebhookEventEntity, WebhookEndpointEntity, WebhookDeliveryEntity, WebhookDeliveryAttemptEntity]),
        BullModule.registerQueue({ name: WEBHOOK_EVENT_QUEUE }, { name: WEBHOOK_DELIVERY_QUEUE }, { name: WEBHOOKS_SWEEP_QUEUE }),
      ],
      controllers: [WebhooksController, WebhookEventsController, WebhookEndpointsController],
      providers: [
        WebhookEventsRepository,
        WebhookEndpointsRepository,
        ReceiveWebhookHandler,
        ProcessWebhookEventHandler,
        RecordWebhookEventFailureHandler,
        CreateWebhookEndpointHandler,
        PublishWebhookEventHandler,
        DeliverWebhookHandler,
        RedeliverWebhookHandler,
        SweepWebhooksHandler,
        PublishOnPayoutSettledHandler,
        PublishOnPayoutSubmittedHandler,
        PublishOnCycleCompletedHandler,
        PublishOnClaimsHeldHandler,
        ClaimEventsPublisher,
        ListWebhookEventsHandler,
        GetWebhookEndpointHandler,
        ListWebhookDeliveriesHandler,
        ...processors,
      ],
    };
  }
}
