import { Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler, QueryBus } from '@nestjs/cqrs';
import { ClsService } from 'nestjs-cls';
import { GetClaimQuery } from '../../claims/queries/get-claim/get-claim.query';
import { PayoutSettledEvent } from '../../payouts/events/payout-settled.event';
import { WebhookEndpointsRepository } from '../persistence/webhook-endpoints.repository';
import { PublishWebhookEventCommand } from '../commands/publish-webhook-event/publish-webhook-event.command';

/** A settled payout: `claim.completed` or `claim.failed` for each of its claims, with the claim as data. */
@EventsHandler(PayoutSettledEvent)
export class PublishOnPayoutSettledHandler implements IEventHandler<PayoutSettledEvent> {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly cls: ClsService,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async handle(event: PayoutSettledEvent): Promise<void> {
    await this.cls.run(async () => {
      if (event.claimIds.length === 0) return;
      try {
        if (!(await this.repo.anySubscribed(['claim.completed', 'claim.failed']))) return;
      } catch (err) {
        this.logger.warn(`outbound webhooks for payout ${event.payoutId} not created: ${(err as Error).message}`);
        return;
      }
      for (const claimId of event.claimIds) {
        try {
          const claim = await this.queries.execute(new GetClaimQuery(claimId));
          const type = claim.status === 'completed' ? 'claim.completed' : claim.status === 'failed' ? 'claim.failed' : null;
          if (!type) continue;
          const owners = await this.repo.ownersOfClaims([claimId]);
          await this.commands.execute(new PublishWebhookEventCommand(type, `${type}:${claimId}`, claim, owners));
        } catch (err) {
          this.logger.warn(`outbound webhook for claim ${claimId} not created: ${(err as Error).message}`);
        }
      }
    });
  }
}
