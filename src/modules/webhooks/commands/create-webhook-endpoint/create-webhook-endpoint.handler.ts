import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { toEndpointView } from '../../domain/endpoint.view';
import { newEndpointSecret } from '../../domain/signature';
import { isRefusedHost } from '../../domain/target-address';
import { WebhookEndpointLimitError } from '../../domain/webhook.errors';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { CreatedEndpoint, CreateWebhookEndpointCommand } from './create-webhook-endpoint.command';

/**
 * Registers an endpoint with a fresh `whsec_` secret (shown only in this response). Unless private targets
 * are allowed, a host that is plainly internal (an IP literal in a refused range, localhost) is refused
 * here; names are checked again on every delivery, when they are resolved.
 */
@CommandHandler(CreateWebhookEndpointCommand)
export class CreateWebhookEndpointHandler implements ICommandHandler<CreateWebhookEndpointCommand> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    if (this.config.webhookAllowPrivateTargets !== true && isRefusedHost(url.hostname)) {
      throw new ValidationError([{ field: 'url', message: 'must not point to a loopback, private, link-local or reserved address' }]);
    }
    const secret = newEndpointSecret();
    const events = [...new Set(cmd.events)];
    const row = await this.txHost.withTransaction(async () => {
      // at most WEBHOOK_ENDPOINTS_MAX enabled endpoints per key: each event costs one delivery per endpoint
      await this.repo.lockOwner(cmd.createdBy);
      if ((await this.repo.countEnabled(cmd.createdBy)) >= this.config.webhookEndpointsMax) {
        throw new WebhookEndpointLimitError(this.config.webhookEndpointsMax);
      }
      return this.repo.insertEndpoint({ url: url.toString(), events, secret, createdBy: cmd.createdBy });
    });
    return { ...toEndpointView(row), secret };
  }
}
