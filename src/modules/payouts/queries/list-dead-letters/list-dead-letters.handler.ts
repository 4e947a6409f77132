import { InjectQueue } from '@nestjs/bullmq';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, DeadLetterData } from '../../jobs/dead-letter.job';
import { DeadLetterView, ListDeadLettersQuery } from './list-dead-letters.query';

@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(@InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>) {}

  async execute(): Promise<DeadLetterView[]> {
    const jobs = await this.deadLetters.getJobs(['waiting', 'delayed', 'prioritized'], 0, 999, true);
    return jobs.filter(Boolean).map((j) => ({ jobId: j.id!, ...j.data }));
  }
}
