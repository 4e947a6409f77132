import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Job, Worker } from 'bullmq';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { sharedResult } from '../http/shared-result';
import { collectAtScrape } from './collect';
import { METRIC } from './metrics';
import { depthOf, discoverQueues, queueCounts } from './queues';

const DISCOVERED = Symbol('payrail.queueMetrics');
/** /metrics is open and unthrottled: queue counts (Redis round trips per queue) are read at most once a second. */
export const QUEUE_COUNTS_CACHE_MS = 1000;

/**
 * BullMQ metrics for every queue of the app:
 * - depth and per-state job counts, read from Redis at scrape time where /metrics is served (roles api and
 *   all), so they are right whichever process runs the jobs;
 * - job durations (processedOn -> finishedOn, per attempt) and final failures (attempts exhausted), from
 *   the events of the workers running in this process. Worker-only processes have no HTTP port: scrape a
 *   ROLE=all process, or read failures from payrail_queue_jobs{state="failed"} and the dead-letter depth.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly uninstall: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    @InjectMetric(METRIC.queueDepth) private readonly depth: Gauge<string>,
    @InjectMetric(METRIC.queueJobs) private readonly jobs: Gauge<string>,
    @InjectMetric(METRIC.jobDuration) private readonly duration: Histogram<string>,
    @InjectMetric(METRIC.jobFailures) private readonly failures: Counter<string>,
  ) {}

  onModuleInit(): void {
    if (this.config.role === 'worker') return; // no HTTP, no /metrics
    const queues = discoverQueues(this.discovery);
    // one count of every queue per scrape, shared by both gauges (and by concurrent scrapes within the second)
    const counts = sharedResult(QUEUE_COUNTS_CACHE_MS, () => Promise.all(queues.map(async (q) => ({ name: q.name, c: await queueCounts(q) }))));
    this.uninstall.push(
      collectAtScrape(this.depth, async (g) => {
        for (const { name, c } of await counts()) g.set({ queue: name }, depthOf(c));
      }),
      collectAtScrape(this.jobs, async (g) => {
        for (const { name, c } of await counts()) {
          for (const [state, n] of Object.entries(c)) g.set({ queue: name, state }, n);
        }
      }),
    );
  }

  /** Workers exist once @nestjs/bullmq's explorer has run (module init): listen to each one's events. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const host = instance as unknown as { _worker?: Worker; [DISCOVERED]?: boolean };
      if (!host._worker || host[DISCOVERED]) continue;
      host[DISCOVERED] = true;
      const worker = host._worker;
      const queue = worker.name;
      const observe = (job: Job | undefined, outcome: 'completed' | 'failed') => {
        if (job?.processedOn && job.finishedOn && job.finishedOn >= job.processedOn) {
          this.duration.observe({ queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
        }
      };
      worker.on('completed', (job: Job) => observe(job, 'completed'));
      worker.on('failed', (job: Job | undefined) => {
        observe(job, 'failed');
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) this.failures.inc({ queue });
      });
    }
  }

  onApplicationShutdown(): void {
    for (const u of this.uninstall.splice(0)) u();
  }
}
