import { Command } from '@nestjs/cqrs';
import type { DeliveryView } from '../../domain/endpoint.view';

/** Sends a delivery again now (same `webhook-id` and body), with a fresh run of the retry schedule. */
export class RedeliverWebhookCommand extends Command<DeliveryView> {
  constructor(
    readonly endpointId: string,
    readonly deliveryId: string,
  ) {
    super();
  }
}
