import { Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler, QueryBus } from '@nestjs/cqrs';
import { ClsService } from 'nestjs-cls';
import { PayoutSubmittedEvent } from '../../payouts/events/payout-submitted.event';
import { GetPayoutQuery } from '../../payouts/queries/get-payout/get-payout.query';
import { WebhookEndpointsRepository } from '../persistence/webhook-endpoints.repository';
import { PublishWebhookEventCommand } from '../commands/publish-webhook-event/publish-webhook-event.command';

/** A payout broadcast: `payout.submitted` with the payout (claim ids, tx hashes, nonce) as data. */
@EventsHandler(PayoutSubmittedEvent)
export class PublishOnPayoutSubmittedHandler implements IEventHandler<PayoutSubmittedEvent> {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly cls: ClsService,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async handle(event: PayoutSubmittedEvent): Promise<void> {
    await this.cls.run(async () => {
      try {
        if (!(await this.repo.anySubscribed(['payout.submitted']))) return;
        const payout = await this.queries.execute(new GetPayoutQuery(event.payoutId));
        // every key with a claim in the payout (a batch may carry several keys' claims)
        const owners = await this.repo.ownersOfClaims(payout.claimIds);
        await this.commands.execute(new PublishWebhookEventCommand('payout.submitted', `payout.submitted:${event.payoutId}`, payout, owners));
      } catch (err) {
        this.logger.warn(`outbound webhook for payout ${event.payoutId} not created: ${(err as Error).message}`);
      }
    });
  }
}
