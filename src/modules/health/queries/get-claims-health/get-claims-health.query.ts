import { Query } from '@nestjs/cqrs';

/** Seed 000's claim-worker health JSON (API.md "Health and metrics"). */
export interface ClaimsHealth {
  ok: boolean;
  timestamp: string;
  blockchain: { connected: boolean; block: number | null; chainId: number };
  database: { connected: boolean };
  claims: { pending: number; processing: number; submitted: number; completed: number; failed: number; total: number } | null;
  metrics: { lastProcessedAt: string | null; processingLagSec: number | null; rate1m: number | null; health: 'healthy' | 'degraded' };
}

export class GetClaimsHealthQuery extends Query<ClaimsHealth> {}
