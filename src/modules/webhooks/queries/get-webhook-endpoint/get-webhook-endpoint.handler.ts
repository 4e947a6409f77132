import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EndpointView, toEndpointView } from '../../domain/endpoint.view';
import { WebhookEndpointNotFoundError } from '../../domain/webhook.errors';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { GetWebhookEndpointQuery } from './get-webhook-endpoint.query';

@QueryHandler(GetWebhookEndpointQuery)
export class GetWebhookEndpointHandler implements IQueryHandler<GetWebhookEndpointQuery> {
  constructor(private readonly repo: WebhookEndpointsRepository) {}

  async execute(q: GetWebhookEndpointQuery): Promise<EndpointView> {
    const e = await this.repo.findEndpoint(q.endpointId, q.owner);
    if (!e) throw new WebhookEndpointNotFoundError(q.endpointId);
    return toEndpointView(e);
  }
}
