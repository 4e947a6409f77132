import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ClaimsModule } from '../claims/claims.module';
import { HealthController } from './api/health.controller';
import { ChainHealthIndicator, RedisHealthIndicator, SignerBalanceHealthIndicator } from './chain.health';
import { ClaimMetrics } from './claim-metrics';
import { ClaimStats } from './claim-stats';
import { ObserveSettlementOnPayoutSettledHandler } from './events/observe-settlement-on-payout-settled.handler';
import { GetClaimsHealthHandler } from './queries/get-claims-health/get-claims-health.handler';
import { GetWorkersHealthHandler } from './queries/get-workers-health/get-workers-health.handler';
import { Reconciler } from './reconcile/reconciler.service';
import { TreasuryHealthIndicator } from './treasury.health';
import { SignersHealthIndicator } from './signers.health';

/**
 * Operations read side: probes (/health/live, /health/ready), admin views (/health/claims, /health/workers),
 * the scrape-time claim gauges, the reconciliation job (ledger drift and friends) and settlement observation.
 * It reads other modules' tables only through indexed, read-only SQL and their exported ports.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule, ClaimsModule],
  controllers: [HealthController],
  providers: [
    ChainHealthIndicator,
    RedisHealthIndicator,
    SignerBalanceHealthIndicator,
    TreasuryHealthIndicator,
    SignersHealthIndicator,
    ClaimStats,
    ClaimMetrics,
    Reconciler,
    GetClaimsHealthHandler,
    GetWorkersHealthHandler,
    ObserveSettlementOnPayoutSettledHandler,
  ],
})
export class HealthModule {}
