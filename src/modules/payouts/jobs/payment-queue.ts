import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { DEAD_LETTER_QUEUE, DeadLetterData } from './dead-letter.job';
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
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
  ) {}

  async enqueue(claimId: string, extra: Omit<PayClaimJobData, 'claimId'> = {}): Promise<void> {
    await this.queue.add(PAY_CLAIM_JOB, { ...extra, claimId }, {
      ...payClaimJobOptions(this.config.payClaimAttempts, this.config.payClaimBackoffMs),
      jobId: payClaimJobId(claimId),
    });
  }

  /** Many claims' jobs in one round trip (bulk intake), each with its own delay; the job id is still the claim id. */
  async enqueueMany(items: { claimId: string; delayMs: number }[], extra: Omit<PayClaimJobData, 'claimId'> = {}): Promise<void> {
    const opts = payClaimJobOptions(this.config.payClaimAttempts, this.config.payClaimBackoffMs);
    await this.queue.addBulk(
      items.map(({ claimId, delayMs }) => ({
        name: PAY_CLAIM_JOB,
        data: { ...extra, claimId },
        opts: { ...opts, jobId: payClaimJobId(claimId), ...(delayMs > 0 ? { delay: delayMs } : {}) },
      })),
    );
  }

  /**
   * A fresh job for a claim whatever became of its earlier ones (a re-issue after a drop, an admin requeue,
   * the sweeper): its dead letter and a finished (completed or failed) job are removed first, because BullMQ
   * keeps a failed job's id for 7 days and would silently ignore `enqueue`. A live job (waiting, delayed,
   * active) is kept, and `enqueue` is then a no-op. Safe to repeat: the claim's lease decides who pays.
   */
  async reissue(claimId: string): Promise<void> {
    await (await this.deadLetters.getJob(claimId))?.remove();
    const old = await this.job(claimId);
    if (old && ['failed', 'completed'].includes(await old.getState())) await old.remove();
    await this.enqueue(claimId);
  }

  /** A claim's job, if one exists (in any state). */
  job(claimId: string) {
    return this.queue.getJob(payClaimJobId(claimId));
  }
}
