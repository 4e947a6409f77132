import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ClaimsHeldEvent } from '../../claims/events/claim-created.event';
import { ClaimEventsPublisher } from './claim-events.publisher';

/** Claims stored or moved `held` (API.md "Treasury controls"): `claim.held` for each, with the claim as data. */
@EventsHandler(ClaimsHeldEvent)
export class PublishOnClaimsHeldHandler implements IEventHandler<ClaimsHeldEvent> {
  constructor(private readonly publisher: ClaimEventsPublisher) {}

  handle(event: ClaimsHeldEvent): Promise<void> {
    // one event per cause: a claim held for approval and later for its wallet's denial gets both
    return this.publisher.publish(event.claimIds, ['claim.held'], (claim) =>
      claim.status === 'held' ? { type: 'claim.held', id: `claim.held:${claim.id}:${claim.lastError?.includes('denylist') ? 'denylist' : 'approval'}` } : null,
    );
  }
}
