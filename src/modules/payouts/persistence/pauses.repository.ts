import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';

export type PauseReason = 'manual' | 'imbalance' | 'drift' | 'floor';
/** The token a pause applies to: a symbol, or `*` for every token. */
export const ALL_TOKENS = '*';

export interface Pause {
  token: string;
  reason: PauseReason;
  since: string;
  actor: string;
}

/** payout_pauses: while a row names a token (or `*`), no payout of that token is signed. */
@Injectable()
export class PausesRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  /**
   * Pauses `token` for `reason` (once: a second pause for the same reason keeps the first's time and actor).
   * True when this call paused it (false: already paused for that reason), so a breaker logs a trip once.
   */
  async pause(token: string, reason: PauseReason, actor: string): Promise<boolean> {
    const rows = await this.q(`INSERT INTO payout_pauses (token, reason, actor) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING token`, [token, reason, actor]);
    return rows.length > 0;
  }

  /**
   * Lifts exactly these pauses (each by token and reason), nothing paused since they were read: a resume
   * that checked their causes never lifts a breaker trip it did not check. Returns how many were lifted.
   */
  async lift(pauses: Pick<Pause, 'token' | 'reason'>[]): Promise<number> {
    if (pauses.length === 0) return 0;
    const rows = await this.q<{ token: string }>(
      `DELETE FROM payout_pauses WHERE (token, reason) IN (SELECT * FROM unnest($1::text[], $2::text[])) RETURNING token`,
      [pauses.map((p) => p.token), pauses.map((p) => p.reason)],
    );
    return rows.length;
  }

  /** Why payouts of `token` are paused (its own pause or one of every token), or null. */
  async pausedFor(token: string): Promise<Pause | null> {
    const [row] = await this.q<Pause>(
      `SELECT token, reason, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since, actor
         FROM payout_pauses WHERE token = $1 OR token = $2 ORDER BY since LIMIT 1`,
      [token, ALL_TOKENS],
    );
    return row ?? null;
  }

  async list(): Promise<Pause[]> {
    return this.q<Pause>(
      `SELECT token, reason, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since, actor FROM payout_pauses ORDER BY since, token, reason`,
    );
  }
}
