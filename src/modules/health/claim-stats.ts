import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../../platform/database/sql';
import { CLAIM_STATUSES, ClaimStatus } from '../claims/domain/claim-status';

export type ClaimStatusCounts = Record<ClaimStatus, number>;

/**
 * The claims read model for /health/claims and the claims gauges, in ONE statement where every part is an
 * index lookup (never a full scan, checked with EXPLAIN in the e2e test):
 * - counts: one count per status, each an index (only) scan of `claims_status_processed_idx (status, …)`;
 * - last completion: `max(processed_at) WHERE status = 'completed'`, the last entry of that index;
 * - oldest pending: `min(created_at) WHERE status = 'pending'`, the first entry of `claims_open_idx`;
 * - oldest held: `min(created_at) WHERE status = 'held'`, the first entry of `claims_held_idx`;
 * - rate1m: a range scan of `(status, processed_at)` over the last 60 s.
 */
export const CLAIM_STATS_SQL = `
SELECT
  (SELECT json_object_agg(s.status, (SELECT count(*) FROM claims c WHERE c.status = s.status))
     FROM unnest(ARRAY[${CLAIM_STATUSES.map((s) => `'${s}'`).join(', ')}]::text[]) AS s(status)) AS counts,
  (SELECT max(processed_at) FROM claims WHERE status = 'completed') AS last_processed_at,
  (SELECT min(created_at) FROM claims WHERE status = 'pending') AS oldest_pending_at,
  (SELECT min(created_at) FROM claims WHERE status = 'held') AS oldest_held_at,
  (SELECT count(*) FROM claims WHERE status = 'completed' AND processed_at >= now() - interval '60 seconds')::int AS rate1m,
  now() AS now`;

export interface ClaimStatsSnapshot {
  counts: ClaimStatusCounts;
  total: number;
  lastProcessedAt: Date | null;
  /** age of the oldest pending claim, whole seconds; 0 when nothing is pending */
  processingLagSec: number;
  /** claims completed in the last 60 s */
  rate1m: number;
  /** age of the oldest held claim (awaiting an admin's approval), whole seconds; 0 when none is held */
  oldestHeldSec: number;
}

/** `healthy` while the oldest pending claim is younger than 300 s (seed 000). */
export const DEGRADED_AFTER_SEC = 300;

export function healthOf(processingLagSec: number): 'healthy' | 'degraded' {
  return processingLagSec < DEGRADED_AFTER_SEC ? 'healthy' : 'degraded';
}

@Injectable()
export class ClaimStats {
  constructor(private readonly db: DataSource) {}

  async snapshot(): Promise<ClaimStatsSnapshot> {
    const [row] = await queryRows<{
      counts: Record<string, string | number>;
      last_processed_at: Date | null;
      oldest_pending_at: Date | null;
      oldest_held_at: Date | null;
      rate1m: number;
      now: Date;
    }>(this.db.manager, CLAIM_STATS_SQL);
    const counts = Object.fromEntries(CLAIM_STATUSES.map((s) => [s, Number(row!.counts?.[s] ?? 0)])) as ClaimStatusCounts;
    const oldest = row!.oldest_pending_at ? new Date(row!.oldest_pending_at).getTime() : null;
    const now = new Date(row!.now).getTime();
    const held = row!.oldest_held_at ? new Date(row!.oldest_held_at).getTime() : null;
    return {
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      lastProcessedAt: row!.last_processed_at ? new Date(row!.last_processed_at) : null,
      processingLagSec: oldest === null ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)),
      rate1m: Number(row!.rate1m),
      oldestHeldSec: held === null ? 0 : Math.max(0, Math.floor((now - held) / 1000)),
    };
  }
}
