import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler, QueryBus } from '@nestjs/cqrs';
import { SpanKind } from '@opentelemetry/api';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { METRIC } from '../../../platform/metrics/metrics';
import { withLogContext } from '../../../platform/logging/log-context';
import { claimTraceStore } from '../../../platform/tracing/job-context';
import { contextFromTraceparent, tracer } from '../../../platform/tracing/tracing';
import { ClaimLifecycle } from '../../claims/claim-lifecycle.service';
import { PayoutSettledEvent } from '../../payouts/events/payout-settled.event';
import { GetPayoutQuery } from '../../payouts/queries/get-payout/get-payout.query';
import type { PayoutView } from '../../payouts/queries/get-payout/get-payout.query';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';

type SettledClaim = Awaited<ReturnType<ClaimLifecycle['findByPayout']>>[number];

/**
 * When a payout settles: observe `payrail_settlement_duration_seconds` (claim created -> completed) for each
 * completed claim, write one log line carrying payoutId, txHash and the claim ids, and (tracing on) close each
 * claim's trace with a `payout.confirm` span from broadcast to confirmation.
 */
@EventsHandler(PayoutSettledEvent)
export class ObserveSettlementOnPayoutSettledHandler implements IEventHandler<PayoutSettledEvent> {
  private readonly logger = new Logger('Settlement');

  constructor(
    private readonly claims: ClaimLifecycle,
    private readonly queries: QueryBus,
    @InjectMetric(METRIC.settlementDuration) private readonly duration: Histogram<string>,
  ) {}

  async handle(e: PayoutSettledEvent): Promise<void> {
    try {
      const claims = await this.claims.findByPayout(e.payoutId);
      for (const c of claims) {
        if (c.status === 'completed' && c.processedAt) {
          this.duration.observe({ token: c.token }, Math.max(0, new Date(c.processedAt).getTime() - new Date(c.createdAt).getTime()) / 1000);
        }
      }
      const fields = { payoutId: e.payoutId, txHash: e.txHash, claimIds: e.claimIds, ...(e.claimIds.length === 1 ? { claimId: e.claimIds[0] } : {}) };
      withLogContext(fields, () =>
        e.success ? this.logger.log(`payout settled: ${e.claimIds.length} claim(s) completed`) : this.logger.warn(`payout reverted on chain: ${e.claimIds.length} claim(s) failed`),
      );
      await this.trace(e, claims);
    } catch (err) {
      this.logger.warn(`observing settlement of payout ${e.payoutId} failed: ${redactRpcUrl((err as Error).message)}`);
    }
  }

  private async trace(e: PayoutSettledEvent, claims: SettledClaim[]): Promise<void> {
    const store = claimTraceStore();
    if (!store) return; // tracing off
    const payout: PayoutView | null = await this.queries.execute(new GetPayoutQuery(e.payoutId)).catch(() => null);
    const end = payout?.confirmedAt ? new Date(payout.confirmedAt) : new Date();
    const start = payout?.broadcastAt ? new Date(payout.broadcastAt) : end;
    for (const id of e.claimIds) {
      const traceparent = await store.find(id).catch(() => null);
      if (!traceparent) continue;
      const claim = claims.find((c) => c.id === id);
      const span = tracer().startSpan(
        'payout.confirm',
        {
          kind: SpanKind.INTERNAL,
          startTime: start,
          attributes: {
            'payrail.claim_id': id,
            'payrail.payout_id': e.payoutId,
            'payrail.tx_hash': e.txHash,
            'payrail.success': e.success,
            ...(claim ? { 'payrail.token': claim.token } : {}),
          },
        },
        contextFromTraceparent(traceparent),
      );
      span.end(end < start ? start : end);
    }
  }
}
