import { Query } from '@nestjs/cqrs';
import type { EndpointView } from '../../domain/endpoint.view';

export class GetWebhookEndpointQuery extends Query<EndpointView> {
  constructor(readonly endpointId: string) {
    super();
  }
}
