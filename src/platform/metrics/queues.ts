import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';

/**
 * Every BullMQ queue registered in this app (any module's `BullModule.registerQueue`), one per name:
 * metrics, /health/workers and Bull Board follow new queues without being told about them.
 */
export function discoverQueues(discovery: DiscoveryService): Queue[] {
  const byName = new Map<string, Queue>();
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (instance instanceof Queue && !byName.has(instance.name)) byName.set(instance.name, instance);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** waiting includes prioritized jobs (both wait for a worker). */
export async function queueCounts(queue: Queue): Promise<QueueCounts> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  return {
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    completed: c.completed ?? 0,
    failed: c.failed ?? 0,
  };
}

/** Jobs not finished yet: waiting (incl. prioritized), delayed and active. */
export function depthOf(c: QueueCounts): number {
  return c.waiting + c.delayed + c.active;
}
