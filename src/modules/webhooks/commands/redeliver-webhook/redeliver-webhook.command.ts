import { Command } from '@nestjs/cqrs';
import type { DeliveryView } from '../../domain/endpoint.view';

/** Sends a delivery again now (same `webhook-id` and body), with a fresh run of the retry schedule. */
export class RedeliverWebhookCommand extends Command<DeliveryView> {
  constructor(
    readonly endpointId: string,
    readonly deliveryId: string,
    /** the API key asking (only what it created; another key's is a 404); null/unset = any (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
