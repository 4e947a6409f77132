import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { PAY_CLAIM_JOB, PAY_CLAIM_QUEUE, PayClaimJobData, payClaimJobId, payClaimJobOptions } from './pay-claim.job';

/**
 * The one way to enqueue the payment of a committed claim (outbox, sweeper, re-issue, admin). The job id is
 * the claim id, so a claim has at most one live job however often this is called.
 */
@Injectable()
export class PaymentQueue {
  constructor(
    @InjectQueue(PAY_CLAIM_QUEUE) private readonly queue: Queue<PayClaimJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(claimId: string, extra: Omit<PayClaimJobData, 'claimId'> = {}): Promise<void> {
    await this.queue.add(PAY_CLAIM_JOB, { ...extra, claimId }, {
      ...payClaimJobOptions(this.config.payClaimAttempts, this.config.payClaimBackoffMs),
      jobId: payClaimJobId(claimId),
    });
  }

  /** A claim's job, if one exists (in any state). */
  job(claimId: string) {
    return this.queue.getJob(payClaimJobId(claimId));
  }
}
