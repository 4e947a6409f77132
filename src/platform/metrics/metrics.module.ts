import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetrics } from './http-metrics';
import { METRIC } from './metrics';
import { MetricsController } from './metrics.controller';
import { QueueMetrics } from './queue-metrics';

const providers = [
  makeCounterProvider({ name: METRIC.nonceResyncs, help: 'Signer nonce resyncs from the chain', labelNames: ['signer'] }),
  makeCounterProvider({ name: METRIC.txReplacements, help: 'Stuck transactions replaced with bumped fees', labelNames: ['token'] }),
  makeCounterProvider({
    name: METRIC.webhookVerificationFailures,
    help: 'Inbound webhooks rejected by signature verification',
    labelNames: ['provider', 'reason'],
  }),
  makeCounterProvider({ name: METRIC.authFailures, help: 'Requests refused for a missing or invalid credential', labelNames: ['kind'] }),
  makeHistogramProvider({
    name: METRIC.settlementDuration,
    help: 'Seconds from claim creation to completion',
    labelNames: ['token'],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  }),
  makeHistogramProvider({
    name: METRIC.httpDuration,
    help: 'HTTP request duration in seconds, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  // computed at scrape time from Postgres / Redis (see src/modules/health and QueueMetrics)
  makeGaugeProvider({ name: METRIC.claims, help: 'Claims by status (from Postgres at scrape time)', labelNames: ['status'] }),
  makeGaugeProvider({ name: METRIC.processingLag, help: 'Age in seconds of the oldest pending claim (0 when none)' }),
  makeGaugeProvider({
    name: METRIC.claimsDeadLettered,
    help: "Pending claims of this chain parked in the dead-letter queue (the sweeper leaves them to an operator)",
  }),
  makeGaugeProvider({
    name: METRIC.payoutsPaused,
    help: 'Pauses in force (1 each): payouts of `token` (`*` = every token) are not signed, for `reason` (manual, imbalance, drift, floor)',
    labelNames: ['token', 'reason'],
  }),
  makeGaugeProvider({ name: METRIC.oldestHeld, help: 'Age in seconds of the oldest held claim, waiting for an admin to approve or reject it (0 when none)' }),
  makeCounterProvider({
    name: METRIC.denylistHits,
    help: 'Claims to a denied wallet: refused at intake (stage=intake) or held before signing (stage=payout)',
    labelNames: ['stage'],
  }),
  makeGaugeProvider({
    name: METRIC.programRemaining,
    help: "Each open program's remaining budget in token units (budget - reserved - spent)",
    labelNames: ['program', 'name', 'token'],
  }),
  makeGaugeProvider({ name: METRIC.queueDepth, help: 'Jobs not finished (waiting, delayed, active) per queue', labelNames: ['queue'] }),
  makeGaugeProvider({ name: METRIC.queueJobs, help: 'Jobs per queue and state', labelNames: ['queue', 'state'] }),
  makeHistogramProvider({
    name: METRIC.jobDuration,
    help: 'Seconds a job attempt ran, per queue and outcome (workers of the scraped process)',
    labelNames: ['queue', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  makeCounterProvider({ name: METRIC.jobFailures, help: 'Jobs that failed for good (attempts exhausted) per queue', labelNames: ['queue'] }),
  // set by the reconciliation job (src/modules/health/reconcile)
  makeGaugeProvider({ name: METRIC.ledgerImbalance, help: 'Sum of all postings per currency in base units (must be 0)', labelNames: ['currency'] }),
  makeGaugeProvider({
    name: METRIC.ledgerDrift,
    help: 'On-chain treasury balance minus ledger treasury:<token>, base units (0 when healthy)',
    labelNames: ['token'],
  }),
  makeGaugeProvider({ name: METRIC.signerBalance, help: "The treasury signer's on-chain balance in token units", labelNames: ['token'] }),
  makeGaugeProvider({ name: METRIC.nonceLag, help: 'signers.next_nonce minus the chain pending nonce', labelNames: ['signer'] }),
  makeGaugeProvider({
    name: METRIC.nonceGap,
    help: 'Nonces below signers.next_nonce neither mined nor held by a payout (each one blocks later payouts)',
    labelNames: ['signer'],
  }),
  makeGaugeProvider({ name: METRIC.reconcileLastSuccess, help: 'Unix time of the last successful reconciliation' }),
];

/** Prometheus registry and `/metrics`; default Node process metrics on. */
@Global()
@Module({
  imports: [DiscoveryModule, PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers: [...providers, HttpMetrics, QueueMetrics],
  exports: providers,
})
export class MetricsModule {}
