import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor } from '../../../../platform/http/pagination';
import { toWebhookEventView } from '../../domain/endpoint.view';
import { WebhookEventsRepository } from '../../persistence/webhook-events.repository';
import { ListWebhookEventsQuery, WebhookEventPage } from './list-webhook-events.query';

/** Newest first, keyset-paginated like the claims list (opaque cursor of receivedAt, id). */
@QueryHandler(ListWebhookEventsQuery)
export class ListWebhookEventsHandler implements IQueryHandler<ListWebhookEventsQuery> {
  constructor(private readonly repo: WebhookEventsRepository) {}

  async execute(q: ListWebhookEventsQuery): Promise<WebhookEventPage> {
    const rows = await this.repo.list({
      provider: q.provider,
      status: q.status,
      limit: q.limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(toWebhookEventView), nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorAt, last.id) : null };
  }
}
