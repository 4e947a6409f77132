import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { PayoutSettledEvent } from '../../payouts/events/payout-settled.event';
import { ClaimEventsPublisher } from './claim-events.publisher';

/** A settled payout: `claim.completed` or `claim.failed` for each of its claims, with the claim as data. */
@EventsHandler(PayoutSettledEvent)
export class PublishOnPayoutSettledHandler implements IEventHandler<PayoutSettledEvent> {
  constructor(private readonly publisher: ClaimEventsPublisher) {}

  handle(event: PayoutSettledEvent): Promise<void> {
    return this.publisher.publish(event.claimIds, ['claim.completed', 'claim.failed'], (claim) => {
      const type = claim.status === 'completed' ? 'claim.completed' : claim.status === 'failed' ? 'claim.failed' : null;
      return type ? { type, id: `${type}:${claim.id}` } : null;
    });
  }
}
