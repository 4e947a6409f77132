import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ClaimsModule } from './modules/claims/claims.module';
import { ProgramsModule } from './modules/programs/programs.module';
import { HealthModule } from './modules/health/health.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { PayoutsModule } from './modules/payouts/payouts.module';
import { CyclesModule } from './modules/cycles/cycles.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { AuthModule } from './platform/auth/auth.module';
import { ChainModule } from './platform/chain/chain.module';
import { DatabaseModule } from './platform/database/database.module';
import { IdempotencyModule } from './platform/idempotency/idempotency.module';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module';
import { ProblemFilter } from './platform/errors/problem.filter';
import { MetricsModule } from './platform/metrics/metrics.module';
import { ObservabilityModule } from './platform/observability/observability.module';
import { QueueModule } from './platform/queue/queue.module';

/** The only file that imports every module. ROLE decides whether processors run (worker, all). */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.register(config), // pino logging (all roles), tracing, Bull Board (HTTP roles)
        CqrsModule.forRoot(),
        DatabaseModule,
        QueueModule,
        ChainModule,
        MetricsModule,
        RateLimitModule, // before AuthModule: its global guard runs first, so failed credentials are throttled too
        AuthModule,
        IdempotencyModule.register({ workers: config.role !== 'api' }),
        LedgerModule,
        ProgramsModule,
        ClaimsModule,
        PayoutsModule.register({ workers: config.role !== 'api' }),
        CyclesModule.register({ workers: config.role !== 'api' }),
        WebhooksModule.register({ workers: config.role !== 'api' }),
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
