import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Queue } from 'bullmq';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { collectAtScrape } from '../../platform/metrics/collect';
import { METRIC } from '../../platform/metrics/metrics';
import { ClaimLifecycle } from '../claims/claim-lifecycle.service';
import { DEAD_LETTER_QUEUE, DeadLetterData, deadLetteredClaimIds } from './jobs/dead-letter.job';

/**
 * `payrail_claims_dead_lettered`: this chain's pending claims parked in the dead-letter queue, which the
 * sweeper never re-enqueues. Read from Redis and Postgres at scrape time (one call each), like the other
 * claim and queue gauges, so it is right whichever process swept last.
 */
@Injectable()
export class DeadLetterMetrics implements OnModuleInit, OnApplicationShutdown {
  private uninstall: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly claims: ClaimLifecycle,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
    @InjectMetric(METRIC.claimsDeadLettered) private readonly gauge: Gauge<string>,
  ) {}

  onModuleInit(): void {
    if (this.config.role === 'worker') return; // no HTTP, no /metrics
    this.uninstall = collectAtScrape(this.gauge, async (g) => {
      g.set(await this.claims.countPending([...(await deadLetteredClaimIds(this.deadLetters))]));
    });
  }

  onApplicationShutdown(): void {
    this.uninstall?.();
  }
}
