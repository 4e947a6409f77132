import { Query } from '@nestjs/cqrs';
import type { DeliveryView } from '../../domain/endpoint.view';

export interface DeliveryPage {
  items: DeliveryView[];
  nextCursor: string | null;
}

export class ListWebhookDeliveriesQuery extends Query<DeliveryPage> {
  constructor(
    readonly endpointId: string,
    readonly limit: number,
    readonly cursor?: string,
    /** the API key asking (only what it created; another key's is a 404); null/unset = any (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
