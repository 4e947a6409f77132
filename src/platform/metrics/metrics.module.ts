import { Global, Module } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { METRIC } from './metrics';
import { MetricsController } from './metrics.controller';

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
];

/** Prometheus registry and `/metrics`; default Node process metrics on. */
@Global()
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers,
  exports: providers,
})
export class MetricsModule {}
