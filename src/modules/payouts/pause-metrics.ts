import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { collectAtScrape } from '../../platform/metrics/collect';
import { METRIC } from '../../platform/metrics/metrics';
import { PausesRepository } from './persistence/pauses.repository';

/** `payrail_payouts_paused{token,reason}`: 1 per pause in force (token `*` = every token), read at scrape time. */
@Injectable()
export class PayoutPauseMetrics implements OnModuleInit, OnApplicationShutdown {
  private uninstall: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pauses: PausesRepository,
    @InjectMetric(METRIC.payoutsPaused) private readonly gauge: Gauge<string>,
  ) {}

  onModuleInit(): void {
    if (this.config.role === 'worker') return; // no HTTP, no /metrics
    this.uninstall = collectAtScrape(this.gauge, async (g) => {
      g.reset();
      for (const p of await this.pauses.list()) g.set({ token: p.token, reason: p.reason }, 1);
    });
  }

  onApplicationShutdown(): void {
    this.uninstall?.();
  }
}
