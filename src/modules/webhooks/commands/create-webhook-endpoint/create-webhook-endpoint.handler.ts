import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { toEndpointView } from '../../domain/endpoint.view';
import { newEndpointSecret } from '../../domain/signature';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { CreatedEndpoint, CreateWebhookEndpointCommand } from './create-webhook-endpoint.command';

/** Registers an endpoint with a fresh `whsec_` secret (shown only in this response). */
@CommandHandler(CreateWebhookEndpointCommand)
export class CreateWebhookEndpointHandler implements ICommandHandler<CreateWebhookEndpointCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async execute(cmd: CreateWebhookEndpointCommand): Promise<CreatedEndpoint> {
    let url: URL;
    try {
      url = new URL(cmd.url);
    } catch {
      throw new ValidationError([{ field: 'url', message: 'must be an absolute http(s) URL' }]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError([{ field: 'url', message: 'must be an http or https URL' }]);
    if (url.username || url.password) throw new ValidationError([{ field: 'url', message: 'must not carry credentials' }]);
    const secret = newEndpointSecret();
    const events = [...new Set(cmd.events)];
    const row = await this.txHost.withTransaction(() => this.repo.insertEndpoint({ url: url.toString(), events, secret, createdBy: cmd.createdBy }));
    return { ...toEndpointView(row), secret };
  }
}
