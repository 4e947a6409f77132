import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { PAY_CLAIM_JOB, PAY_CLAIM_JOB_OPTIONS, PAY_CLAIM_QUEUE, PayClaimJobData, payClaimJobId } from '../../jobs/pay-claim.job';
import { SweepClaimsCommand } from './sweep-claims.command';

const PENDING_OLDER_THAN_SEC = 10;

@CommandHandler(SweepClaimsCommand)
export class SweepClaimsHandler implements ICommandHandler<SweepClaimsCommand> {
  constructor(
    private readonly claims: ClaimLifecycle,
    @InjectQueue(PAY_CLAIM_QUEUE) private readonly queue: Queue<PayClaimJobData>,
  ) {}

  async execute(): Promise<{ requeued: number }> {
    const ids = [...(await this.claims.stalePending(PENDING_OLDER_THAN_SEC, 500)), ...(await this.claims.expiredLeases(500))];
    let requeued = 0;
    for (const claimId of ids) {
      const jobId = payClaimJobId(claimId);
      const existing = await this.queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') continue; // live job: leave it
        await existing.remove();
      }
      await this.queue.add(PAY_CLAIM_JOB, { claimId }, { ...PAY_CLAIM_JOB_OPTIONS, jobId });
      requeued++;
    }
    return { requeued };
  }
}
