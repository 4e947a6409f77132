import { Query } from '@nestjs/cqrs';

export interface QueueHealth {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  /** live BullMQ workers (connections) consuming this queue, across all processes */
  workers: number;
}

export interface WorkersHealth {
  timestamp: string;
  queues: Record<string, QueueHealth>;
  /** live workers summed over all queues */
  workers: number;
}

export class GetWorkersHealthQuery extends Query<WorkersHealth> {}
