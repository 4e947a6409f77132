import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor } from '../../../../platform/http/pagination';
import { toDeliveryView } from '../../domain/endpoint.view';
import { WebhookEndpointNotFoundError } from '../../domain/webhook.errors';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { DeliveryPage, ListWebhookDeliveriesQuery } from './list-webhook-deliveries.query';

/** The endpoint's delivery log, newest first, each delivery with its attempts (oldest first). */
@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery> {
  constructor(private readonly repo: WebhookEndpointsRepository) {}

  async execute(q: ListWebhookDeliveriesQuery): Promise<DeliveryPage> {
    if (!(await this.repo.findEndpoint(q.endpointId, q.owner))) throw new WebhookEndpointNotFoundError(q.endpointId);
    const rows = await this.repo.list(q.endpointId, q.limit + 1, q.cursor ? decodeCursor(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    const attempts = await this.repo.attemptsOf(page.map((d) => d.id));
    const last = page[page.length - 1];
    return {
      items: page.map((d) => toDeliveryView(d, attempts.filter((a) => a.deliveryId === d.id))),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
    };
  }
}
