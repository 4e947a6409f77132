import { Query } from '@nestjs/cqrs';
import type { EndpointView } from '../../domain/endpoint.view';

export class GetWebhookEndpointQuery extends Query<EndpointView> {
  constructor(
    readonly endpointId: string,
    /** the API key asking (only what it created; another key's is a 404); null/unset = any (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
