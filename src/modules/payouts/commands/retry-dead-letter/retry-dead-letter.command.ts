import { Command } from '@nestjs/cqrs';

export class RetryDeadLetterCommand extends Command<{ jobId: string; claimId: string; action: 'enqueued' }> {
  constructor(readonly jobId: string) {
    super();
  }
}
