import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { collectAtScrape } from '../../platform/metrics/collect';
import { METRIC } from '../../platform/metrics/metrics';
import { ClaimStats, ClaimStatsSnapshot } from './claim-stats';

/**
 * `payrail_claims_total{status}`, `payrail_claims_processing_lag_seconds` and `payrail_claims_oldest_held_seconds`, read from Postgres at scrape
 * time (one indexed statement per scrape), so they are right whichever process changed the claims.
 */
@Injectable()
export class ClaimMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly uninstall: (() => void)[] = [];
  private cached: { at: number; snapshot: Promise<ClaimStatsSnapshot> } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stats: ClaimStats,
    @InjectMetric(METRIC.claims) private readonly claims: Gauge<string>,
    @InjectMetric(METRIC.processingLag) private readonly lag: Gauge<string>,
    @InjectMetric(METRIC.oldestHeld) private readonly held: Gauge<string>,
  ) {}

  /** The gauges of one scrape share one query. */
  private snapshot(): Promise<ClaimStatsSnapshot> {
    if (!this.cached || Date.now() - this.cached.at > 500) {
      const snapshot = this.stats.snapshot();
      snapshot.catch(() => (this.cached = null));
      this.cached = { at: Date.now(), snapshot };
    }
    return this.cached.snapshot;
  }

  onModuleInit(): void {
    if (this.config.role === 'worker') return;
    this.uninstall.push(
      collectAtScrape(this.claims, async (g) => {
        const s = await this.snapshot();
        for (const [status, n] of Object.entries(s.counts)) g.set({ status }, n);
      }),
      collectAtScrape(this.lag, async (g) => g.set((await this.snapshot()).processingLagSec)),
      collectAtScrape(this.held, async (g) => g.set((await this.snapshot()).oldestHeldSec)),
    );
  }

  onApplicationShutdown(): void {
    for (const u of this.uninstall.splice(0)) u();
  }
}
