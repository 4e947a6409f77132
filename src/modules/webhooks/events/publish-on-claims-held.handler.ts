import { Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler, QueryBus } from '@nestjs/cqrs';
import { ClsService } from 'nestjs-cls';
import { ClaimsHeldEvent } from '../../claims/events/claim-created.event';
import { GetClaimQuery } from '../../claims/queries/get-claim/get-claim.query';
import { WebhookEndpointsRepository } from '../persistence/webhook-endpoints.repository';
import { PublishWebhookEventCommand } from '../commands/publish-webhook-event/publish-webhook-event.command';

/** Claims stored or moved `held` (API.md "Treasury controls"): `claim.held` for each, with the claim as data. */
@EventsHandler(ClaimsHeldEvent)
export class PublishOnClaimsHeldHandler implements IEventHandler<ClaimsHeldEvent> {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly cls: ClsService,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async handle(event: ClaimsHeldEvent): Promise<void> {
    await this.cls.run(async () => {
      try {
        if (!(await this.repo.anySubscribed(['claim.held']))) return;
      } catch (err) {
        this.logger.warn(`claim.held webhooks not created: ${(err as Error).message}`);
        return;
      }
      for (const claimId of event.claimIds) {
        try {
          const claim = await this.queries.execute(new GetClaimQuery(claimId));
          if (claim.status !== 'held') continue;
          const owners = await this.repo.ownersOfClaims([claimId]);
          // one event per cause: a claim held for approval and later for its wallet's denial gets both
          const cause = claim.lastError?.includes('denylist') ? 'denylist' : 'approval';
          await this.commands.execute(new PublishWebhookEventCommand('claim.held', `claim.held:${claimId}:${cause}`, claim, owners));
        } catch (err) {
          this.logger.warn(`claim.held webhook for claim ${claimId} not created: ${(err as Error).message}`);
        }
      }
    });
  }
}
