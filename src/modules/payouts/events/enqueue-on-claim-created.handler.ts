import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { jobContext } from '../../../platform/tracing/job-context';
import { ClaimCreatedEvent, ClaimsCreatedEvent } from '../../claims/events/claim-created.event';
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

/**
 * Outbox, second half, for a bulk request: one job per claim, enqueued in one round trip. The first claim of
 * each token goes at once; its lane takes the others into batches and keeps draining them (PayClaimHandler),
 * so their own jobs are delayed by FOLLOWER_DELAY_MS: by then they find their claim paid and end on one read,
 * instead of thousands of jobs racing the lane for the CPU during the burst. A claim the lane did not take
 * (funds short, a lane failure) is paid by its own job when it comes due; a lost enqueue is swept.
 */
@EventsHandler(ClaimsCreatedEvent)
export class EnqueueOnClaimsCreatedHandler implements IEventHandler<ClaimsCreatedEvent> {
  private readonly logger = new Logger('Outbox');

  constructor(private readonly payments: PaymentQueue) {}

  async handle(event: ClaimsCreatedEvent): Promise<void> {
    const leads = new Set<string>();
    const items = event.claims.map(({ id, token }) => {
      const lead = !leads.has(token);
      leads.add(token);
      return { claimId: id, delayMs: lead ? 0 : FOLLOWER_DELAY_MS };
    });
    try {
      await this.payments.enqueueMany(items, jobContext());
    } catch (err) {
      this.logger.warn(`enqueue of ${items.length} bulk claims failed (the sweeper will retry): ${(err as Error).message}`);
    }
  }
}

/** How long the jobs of a bulk request's other claims wait while the lead claim's lane drains them. */
export const FOLLOWER_DELAY_MS = 10_000;
