import { Command } from '@nestjs/cqrs';
import type { EndpointView } from '../../domain/endpoint.view';

export type CreatedEndpoint = EndpointView & { secret: string };

export class CreateWebhookEndpointCommand extends Command<CreatedEndpoint> {
  constructor(
    readonly url: string,
    readonly events: string[],
    /** API key name */
    readonly createdBy: string,
  ) {
    super();
  }
}
