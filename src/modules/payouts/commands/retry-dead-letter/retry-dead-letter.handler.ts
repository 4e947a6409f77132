import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { DeadLetterNotFoundError } from '../../domain/admin.errors';
import { DEAD_LETTER_QUEUE, DeadLetterData } from '../../jobs/dead-letter.job';
import { PaymentQueue } from '../../jobs/payment-queue';
import { RetryDeadLetterCommand } from './retry-dead-letter.command';

/** Takes a job out of the dead-letter queue and gives its claim a fresh payment job (full attempts). */
@CommandHandler(RetryDeadLetterCommand)
export class RetryDeadLetterHandler implements ICommandHandler<RetryDeadLetterCommand> {
  constructor(
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
    private readonly payments: PaymentQueue,
  ) {}

  async execute(cmd: RetryDeadLetterCommand): Promise<{ jobId: string; claimId: string; action: 'enqueued' }> {
    const dead = await this.deadLetters.getJob(cmd.jobId);
    if (!dead) throw new DeadLetterNotFoundError(cmd.jobId);
    const { claimId } = dead.data;
    await this.payments.reissue(claimId); // removes the dead letter (job id = claim id) and the failed job
    await dead.remove().catch(() => undefined); // already gone unless its id is not the claim's
    return { jobId: cmd.jobId, claimId, action: 'enqueued' };
  }
}
