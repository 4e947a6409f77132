import { Query } from '@nestjs/cqrs';
import type { DeadLetterData } from '../../jobs/dead-letter.job';

export interface DeadLetterView extends DeadLetterData {
  jobId: string;
}

export class ListDeadLettersQuery extends Query<DeadLetterView[]> {}
