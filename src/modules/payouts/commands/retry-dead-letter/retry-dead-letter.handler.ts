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
    const old = await this.payments.job(claimId);
    if (old && ['failed', 'completed'].includes(await old.getState())) await old.remove();
    await this.payments.enqueue(claimId);
    await dead.remove();
    return { jobId: cmd.jobId, claimId, action: 'enqueued' };
  }
}
