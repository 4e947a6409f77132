import { Query } from '@nestjs/cqrs';
import type { WebhookEventView } from '../../domain/endpoint.view';
import type { WebhookEventStatus } from '../../domain/event-types';

export interface WebhookEventPage {
  items: WebhookEventView[];
  nextCursor: string | null;
}

export class ListWebhookEventsQuery extends Query<WebhookEventPage> {
  constructor(
    readonly limit: number,
    readonly provider?: string,
    readonly status?: WebhookEventStatus,
    readonly cursor?: string,
  ) {
    super();
  }
}
