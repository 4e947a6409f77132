import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { withTimeout } from '../../chain.health';
import { ClaimStats, ClaimStatsSnapshot, healthOf } from '../../claim-stats';
import { ClaimsHealth, GetClaimsHealthQuery } from './get-claims-health.query';

/**
 * Database and chain are asked in parallel; either being down gives `ok: false` (200, so monitors can read
 * the body), with the unknown figures null and `health: degraded`. `total` counts every claim, cancelled ones
 * included.
 */
@QueryHandler(GetClaimsHealthQuery)
export class GetClaimsHealthHandler implements IQueryHandler<GetClaimsHealthQuery> {
  constructor(
    private readonly stats: ClaimStats,
    private readonly chain: ChainService,
  ) {}

  async execute(): Promise<ClaimsHealth> {
    const [stats, block] = await Promise.all([
      withTimeout(this.stats.snapshot(), 3000).catch((): ClaimStatsSnapshot | null => null),
      withTimeout(this.chain.provider.getBlockNumber(), 3000).catch((): number | null => null),
    ]);
    return {
      ok: stats !== null && block !== null,
      timestamp: new Date().toISOString(),
      blockchain: { connected: block !== null, block, chainId: this.chain.chainId },
      database: { connected: stats !== null },
      claims: stats
        ? {
            pending: stats.counts.pending,
            processing: stats.counts.processing,
            submitted: stats.counts.submitted,
            completed: stats.counts.completed,
            failed: stats.counts.failed,
            total: stats.total,
          }
        : null,
      metrics: {
        lastProcessedAt: stats?.lastProcessedAt?.toISOString() ?? null,
        processingLagSec: stats?.processingLagSec ?? null,
        rate1m: stats?.rate1m ?? null,
        health: stats ? healthOf(stats.processingLagSec) : 'degraded',
      },
    };
  }
}
