import { ServiceUnavailableException } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { discoverQueues, queueCounts } from '../../../../platform/metrics/queues';
import { withTimeout } from '../../chain.health';
import { GetWorkersHealthQuery, QueueHealth, WorkersHealth } from './get-workers-health.query';

/** Per queue job counts (Queue.getJobCounts) and live workers (Queue.getWorkers: Redis CLIENT LIST). */
@QueryHandler(GetWorkersHealthQuery)
export class GetWorkersHealthHandler implements IQueryHandler<GetWorkersHealthQuery> {
  constructor(private readonly discovery: DiscoveryService) {}

  async execute(): Promise<WorkersHealth> {
    const queues = discoverQueues(this.discovery);
    // BullMQ connections retry forever while Redis is down: bound the wait
    const entries = await withTimeout(
      Promise.all(
        queues.map(async (q): Promise<[string, QueueHealth]> => {
          const [counts, workers] = await Promise.all([queueCounts(q), q.getWorkers()]);
          return [q.name, { ...counts, workers: workers.length }];
        }),
      ),
      3000,
    ).catch(() => {
      throw new ServiceUnavailableException('Redis did not answer within 3 s');
    });
    return {
      timestamp: new Date().toISOString(),
      queues: Object.fromEntries(entries),
      workers: entries.reduce((n, [, q]) => n + q.workers, 0),
    };
  }
}
