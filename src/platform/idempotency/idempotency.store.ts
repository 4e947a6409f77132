import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { keepErrorsOffTheProcess } from '../database/data-source';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { describeSafely } from '../errors/problem.filter';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a request holding an Idempotency-Key may do. */
export type ClaimOutcome =
  | { kind: 'claimed'; id: string; token: string; takenOver: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

interface QueuedCompletion {
  id: string;
  token: string;
  response: StoredResponse;
  resolve: (stored: boolean) => void;
}

/** Most completions stored by one statement. */
const COMPLETE_BATCH = 200;
/** Most completions one claim's statement carries: a claim is on a request's path, so it carries few. */
const CARRY_MAX = 50;
/** How long a queued completion waits for others to share its statement (bounds the in-flight window). */
const COMPLETE_DELAY_MS = 20;

/** Claims a key: the first request inserts its record; any other finds the existing one ($1..$8). */
const CLAIM_SQL = `INSERT INTO idempotency_records
    (api_key_name, key, fingerprint, request_method, request_path, status, lock_token, locked_until, expires_at)
  VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, clock_timestamp() + make_interval(secs => $7),
          clock_timestamp() + make_interval(hours => $8))
  ON CONFLICT (api_key_name, key) DO NOTHING`;

/** Stores many responses from one jsonb parameter; only records still in flight under the same token. */
function completeMany(param: string): string {
  return `UPDATE idempotency_records r
     SET status = 'completed', response_status = u.status, response_headers = u.headers,
         response_body = decode(u.body, 'base64'), completed_at = statement_timestamp(),
         lock_token = NULL, locked_until = NULL
    FROM jsonb_to_recordset(${param}::jsonb) AS u(id uuid, token uuid, status int, headers jsonb, body text)
   WHERE r.id = u.id AND r.lock_token = u.token AND r.status = 'in_flight'`;
}

function completionsJson(batch: QueuedCompletion[]): string {
  return JSON.stringify(
    batch.map((c) => ({ id: c.id, token: c.token, status: c.response.status, headers: c.response.headers, body: c.response.body.toString('base64') })),
  );
}

interface ExistingRow {
  id: string;
  fingerprint: string;
  status: 'in_flight' | 'completed';
  lockExpired: boolean;
  expired: boolean;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: Buffer | null;
}

/**
 * Postgres-backed Idempotency-Key records. Deliberately outside any business transaction: a claim must
 * commit before the handler runs, so that every concurrent request with the same key sees it. Each method
 * is one atomic statement; ownership of an in-flight record is proven by its `lock_token`, so a request
 * whose record was taken over can no longer complete or release it.
 *
 * Its own small pool, whose sessions commit with `synchronous_commit = off` (no WAL flush wait per
 * statement). Why that is safe: WAL is sequential, so the handler's own (synchronous) commit also makes the
 * earlier in-flight record durable; a record lost in a Postgres crash either guarded a request that wrote
 * nothing, or (a lost completion) stays in flight until its lock expires and the retry re-executes, exactly
 * as after an application crash. Business transactions keep synchronous commits (they use the TypeORM pool).
 *
 * Completions are written behind the response and coalesced: `complete()` queues the stored response and one
 * statement at a time stores everything queued (so under load one UPDATE completes many records). A retry
 * that reaches this process while its record's completion is still queued waits for it and replays; one that
 * reaches another process in that window gets 409 + Retry-After, as for any request in flight. See ADR 0002.
 */
@Injectable()
export class IdempotencyStore implements OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly logger = new Logger('Idempotency');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.role === 'worker' ? 1 : 5,
      connectionTimeoutMillis: 10_000,
      options: '-c synchronous_commit=off',
      onConnect: keepErrorsOffTheProcess,
    });
    this.pool.on('error', () => undefined); // an idle client's error: the next query reports it
  }

  private ended = false;

  /** Completions not yet stored, and the one flush that stores them (at most one statement at a time). */
  private queued: QueuedCompletion[] = [];
  private flushing: Promise<void> | null = null;
  /** Claim statements carrying completions, until they have settled them (see insertClaim). */
  private readonly carrying = new Set<Promise<void>>();
  /** Record id -> its queued completion, so a retry in this process waits for it instead of a 409. */
  private readonly completing = new Map<string, Promise<boolean>>();

  async onApplicationShutdown(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.flushed(); // the HTTP server is closed by now: nothing queues after this
    await this.pool.end();
  }

  /** Resolves once every completion queued so far has been written (or has failed and been logged). */
  async flushed(): Promise<void> {
    while (this.flushing || this.carrying.size) await Promise.all([this.flushing, ...this.carrying]);
  }

  /** `name`: a prepared statement (per pooled connection), for the statements on every keyed request. */
  private async q<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    return (await this.pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as T[];
  }

  async claim(scope: string, key: string, fingerprint: string, method: string, path: string): Promise<ClaimOutcome> {
    const lock = this.config.idempotencyLockSeconds;
    const ttl = this.config.idempotencyTtlHours;
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = randomUUID();
      const inserted = await this.insertClaim([scope, key, fingerprint, method, path, token, lock, ttl]);
      if (inserted[0]) return { kind: 'claimed', id: inserted[0].id, token, takenOver: false };

      const [row] = await this.q<ExistingRow>(
        `SELECT id, fingerprint, status,
                coalesce(locked_until < clock_timestamp(), true) AS "lockExpired",
                expires_at < clock_timestamp() AS expired,
                response_status AS "responseStatus", response_headers AS "responseHeaders", response_body AS "responseBody"
           FROM idempotency_records WHERE api_key_name = $1 AND key = $2`,
        [scope, key],
        'idempotency_read',
      );
      if (!row) continue; // released (a 400) between our insert and read: try again

      if (row.expired) {
        // past its TTL: as good as absent (the cleanup job may not have run yet); any request may take it
        if (await this.takeOver(row.id, token, fingerprint, method, path, `expires_at < clock_timestamp()`)) {
          return { kind: 'claimed', id: row.id, token, takenOver: true };
        }
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status === 'completed') {
        return {
          kind: 'replay',
          response: { status: row.responseStatus!, headers: row.responseHeaders ?? {}, body: row.responseBody! },
        };
      }
      const completing = this.completing.get(row.id);
      if (completing) {
        // answered by this process a moment ago, its response not yet stored: wait for it, then read again
        await completing;
        continue;
      }
      if (!row.lockExpired) return { kind: 'in_flight' };
      // the request that held it crashed (or hung past the lock): exactly one retry takes it over
      if (await this.takeOver(row.id, token, fingerprint, method, path, `status = 'in_flight' AND locked_until < clock_timestamp()`)) {
        return { kind: 'claimed', id: row.id, token, takenOver: true };
      }
      return { kind: 'in_flight' };
    }
    return { kind: 'in_flight' };
  }

  private async takeOver(id: string, token: string, fingerprint: string, method: string, path: string, guard: string): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE idempotency_records
          SET fingerprint = $3, request_method = $4, request_path = $5, status = 'in_flight', lock_token = $2,
              locked_until = clock_timestamp() + make_interval(secs => $6),
              response_status = NULL, response_headers = NULL, response_body = NULL, completed_at = NULL,
              created_at = clock_timestamp(), expires_at = clock_timestamp() + make_interval(hours => $7)
        WHERE id = $1 AND ${guard}
        RETURNING id`,
      [id, token, fingerprint, method, path, this.config.idempotencyLockSeconds, this.config.idempotencyTtlHours],
    );
    return rows.length === 1;
  }

  /**
   * Stores the response sent for a claimed record, behind the response: queued, and written by the next
   * flush together with whatever else is queued. Resolves to false when the record is no longer ours (taken
   * over) or the write failed (the record then stays in flight until its lock expires: a retry re-executes,
   * as after a crash). Never rejects.
   */
  complete(id: string, token: string, response: StoredResponse): Promise<boolean> {
    const done = new Promise<boolean>((resolve) => this.queued.push({ id, token, response, resolve }));
    this.completing.set(id, done);
    void done.then(() => {
      if (this.completing.get(id) === done) this.completing.delete(id);
    });
    this.kick();
    return done;
  }

  private kick(): void {
    if (this.flushing || this.queued.length === 0) return;
    // a moment later: the response that queued this goes out first, and the completions of other requests
    // join it (under load one UPDATE stores many; the wait is not on any response's path)
    this.flushing = new Promise((resolve) => setTimeout(resolve, COMPLETE_DELAY_MS)).then(() => this.flush()).finally(() => {
      this.flushing = null;
      this.kick(); // queued after the loop's last check, before this callback
    });
  }

  private async flush(): Promise<void> {
    while (this.queued.length) {
      const batch = this.queued.splice(0, COMPLETE_BATCH);
      let stored = new Set<string>();
      try {
        const rows = await this.q<{ id: string }>(`${completeMany('$1')} RETURNING r.id`, [completionsJson(batch)], 'idempotency_complete_many');
        stored = new Set(rows.map((r) => r.id));
      } catch (err) {
        this.logger.warn(`could not store ${batch.length} idempotent response(s): ${describeSafely(err)}`);
      }
      for (const c of batch) c.resolve(stored.has(c.id));
    }
  }

  /**
   * The claim's INSERT. Completions queued at that moment ride along in the same statement (a data-modifying
   * CTE), so under load they cost no round trip of their own; the timed flush stores whatever no claim
   * carried. If the statement fails, the carried completions go back to the queue and the claim's error
   * propagates as before.
   */
  private async insertClaim(params: unknown[]): Promise<{ id: string }[]> {
    const carried = this.queued.splice(0, CARRY_MAX);
    if (carried.length === 0) return this.q<{ id: string }>(`${CLAIM_SQL} RETURNING id`, params, 'idempotency_claim');
    let settle!: () => void;
    const carrying = new Promise<void>((resolve) => (settle = resolve));
    this.carrying.add(carrying);
    try {
      const rows = await this.q<{ id: string; claimed: boolean }>(
        `WITH done AS (${completeMany('$9')} RETURNING r.id),
              claimed AS (${CLAIM_SQL} RETURNING id)
         SELECT id, true AS claimed FROM claimed UNION ALL SELECT id, false FROM done`,
        [...params, completionsJson(carried)],
        'idempotency_claim_carrying',
      );
      const stored = new Set(rows.filter((r) => !r.claimed).map((r) => r.id));
      for (const c of carried) c.resolve(stored.has(c.id));
      return rows.filter((r) => r.claimed);
    } catch (err) {
      this.queued.unshift(...carried); // not written: the timed flush stores them (or logs why it cannot)
      this.kick();
      throw err;
    } finally {
      this.carrying.delete(carrying);
      settle();
    }
  }

  /** Forgets a claimed record (a response that is not stored: 400, 401, 403, 429, 5xx). */
  async release(id: string, token: string): Promise<void> {
    await this.q(`DELETE FROM idempotency_records WHERE id = $1 AND lock_token = $2 AND status = 'in_flight' RETURNING id`, [id, token]);
  }

  /** Deletes up to `batch` expired records; returns how many. */
  async purgeExpired(batch: number): Promise<number> {
    const rows = await this.q<{ id: string }>(
      `DELETE FROM idempotency_records WHERE id IN (
         SELECT id FROM idempotency_records WHERE expires_at < clock_timestamp() ORDER BY expires_at LIMIT $1
       ) RETURNING id`,
      [batch],
    );
    return rows.length;
  }
}
