import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { PaymentQueue } from '../../jobs/payment-queue';
import { SweepClaimsCommand } from './sweep-claims.command';
import { DEAD_LETTER_QUEUE, DeadLetterData } from '../../jobs/dead-letter.job';

const PENDING_OLDER_THAN_SEC = 10;

@CommandHandler(SweepClaimsCommand)
export class SweepClaimsHandler implements ICommandHandler<SweepClaimsCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly claims: ClaimLifecycle,
    private readonly payments: PaymentQueue,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
  ) {}

  async execute(): Promise<{ requeued: number }> {
    for (const claimId of await this.claims.expiredLeases(500)) {
      await this.txHost.withTransaction(() => this.claims.reclaimExpired(claimId));
    }
    const ids = await this.claims.stalePending(PENDING_OLDER_THAN_SEC, 500);
    let requeued = 0;
    for (const claimId of ids) {
      if (await this.deadLetters.getJob(claimId)) continue; // parked for an operator: retried via the admin API
      const existing = await this.payments.job(claimId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') continue; // live job: leave it
        await existing.remove();
      }
      await this.payments.enqueue(claimId);
      requeued++;
    }
    return { requeued };
  }
}
