import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ChainService } from '../../platform/chain/chain.service';
import { collectAtScrape } from '../../platform/metrics/collect';
import { METRIC } from '../../platform/metrics/metrics';
import { ProgramsRepository } from './persistence/programs.repository';

/** `payrail_program_remaining{program,name,token}`: each open program's remaining budget in token units, read at scrape time. */
@Injectable()
export class ProgramMetrics implements OnModuleInit, OnApplicationShutdown {
  private uninstall: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ProgramsRepository,
    private readonly chain: ChainService,
    @InjectMetric(METRIC.programRemaining) private readonly remaining: Gauge<string>,
  ) {}

  onModuleInit(): void {
    if (this.config.role === 'worker') return;
    this.uninstall = collectAtScrape(this.remaining, async (g) => {
      g.reset();
      for (const p of await this.repo.remainingOfOpen()) {
        const decimals = this.chain.token(p.token)?.decimals ?? 18;
        g.set({ program: p.id, name: p.name, token: p.token }, Number(BigInt(p.remaining)) / 10 ** decimals);
      }
    });
  }

  onApplicationShutdown(): void {
    this.uninstall?.();
  }
}
