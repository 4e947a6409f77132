import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { jobContext } from '../../../platform/tracing/job-context';
import { ClaimCreatedEvent } from '../../claims/events/claim-created.event';
import { PaymentQueue } from '../jobs/payment-queue';

/** Outbox, second half: the claim is committed; now enqueue its payment. A lost enqueue is swept later. */
@EventsHandler(ClaimCreatedEvent)
export class EnqueueOnClaimCreatedHandler implements IEventHandler<ClaimCreatedEvent> {
  private readonly logger = new Logger('Outbox');

  constructor(private readonly payments: PaymentQueue) {}

  async handle(event: ClaimCreatedEvent): Promise<void> {
    try {
      await this.payments.enqueue(event.claimId, jobContext());
    } catch (err) {
      this.logger.warn(`enqueue of claim ${event.claimId} failed (the sweeper will retry): ${(err as Error).message}`);
    }
  }
}
