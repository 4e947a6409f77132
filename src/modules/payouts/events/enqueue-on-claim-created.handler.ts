import { Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { ClaimCreatedEvent } from '../../claims/events/claim-created.event';
import { PAY_CLAIM_JOB, PAY_CLAIM_JOB_OPTIONS, PAY_CLAIM_QUEUE, PayClaimJobData, payClaimJobId } from '../jobs/pay-claim.job';

/** Outbox, second half: the claim is committed; now enqueue its payment. A lost enqueue is swept later. */
@EventsHandler(ClaimCreatedEvent)
export class EnqueueOnClaimCreatedHandler implements IEventHandler<ClaimCreatedEvent> {
  private readonly logger = new Logger('Outbox');

  constructor(@InjectQueue(PAY_CLAIM_QUEUE) private readonly queue: Queue<PayClaimJobData>) {}

  async handle(event: ClaimCreatedEvent): Promise<void> {
    try {
      await this.queue.add(PAY_CLAIM_JOB, { claimId: event.claimId }, { ...PAY_CLAIM_JOB_OPTIONS, jobId: payClaimJobId(event.claimId) });
    } catch (err) {
      this.logger.warn(`enqueue of claim ${event.claimId} failed (the sweeper will retry): ${(err as Error).message}`);
    }
  }
}
