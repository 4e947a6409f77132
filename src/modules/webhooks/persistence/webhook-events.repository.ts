import { cursorAtSql } from '../../../platform/http/pagination';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import type { WebhookEventStatus } from '../domain/event-types';
import type { Scheme } from '../domain/signature';
import { WebhookEventEntity } from './webhook.entity';

const COLUMNS = `id, provider, event_id AS "eventId", type, scheme, payload, status, reason, error, attempts,
  received_at AS "receivedAt", processed_at AS "processedAt"`;

export interface NewWebhookEvent {
  provider: string;
  eventId: string;
  type: string;
  scheme: Scheme;
  payload: unknown;
  status: Extract<WebhookEventStatus, 'received' | 'ignored'>;
  reason: string | null;
}

/** Inbound events: stored once per (provider, event id), then moved through their statuses. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T = WebhookEventEntity>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  /** INSERT ... ON CONFLICT (provider, event_id) DO NOTHING: null when this event was already stored. */
  async insertIfAbsent(e: NewWebhookEvent): Promise<WebhookEventEntity | null> {
    const rows = await this.q(
      `INSERT INTO webhook_events (provider, event_id, type, scheme, payload, status, reason, processed_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, CASE WHEN $6 = 'ignored' THEN clock_timestamp() END)
       ON CONFLICT ON CONSTRAINT webhook_events_provider_event_unique DO NOTHING RETURNING ${COLUMNS}`,
      [e.provider, e.eventId, e.type, e.scheme, JSON.stringify(e.payload), e.status, e.reason],
    );
    return rows[0] ?? null;
  }

  async findByKey(provider: string, eventId: string): Promise<WebhookEventEntity | null> {
    return (await this.q(`SELECT ${COLUMNS} FROM webhook_events WHERE provider = $1 AND event_id = $2`, [provider, eventId]))[0] ?? null;
  }

  async findById(id: string): Promise<WebhookEventEntity | null> {
    return (await this.q(`SELECT ${COLUMNS} FROM webhook_events WHERE id = $1`, [id]))[0] ?? null;
  }

  /** Takes a `received` event for processing (row-locked until commit, attempts + 1); null if it is not `received`. */
  async takeReceived(id: string): Promise<WebhookEventEntity | null> {
    const rows = await this.q(
      `UPDATE webhook_events SET attempts = attempts + 1 WHERE id = $1 AND status = 'received' RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** received -> processed | rejected (with the reason). */
  async settle(id: string, status: 'processed' | 'rejected', reason: string | null): Promise<void> {
    await this.q(
      `UPDATE webhook_events SET status = $2, reason = $3, error = NULL, processed_at = clock_timestamp()
        WHERE id = $1 AND status = 'received'`,
      [id, status, reason],
    );
  }

  /** A processing attempt failed: the error is kept; on the last attempt the event becomes `failed`. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.q(
      `UPDATE webhook_events SET attempts = attempts + 1, error = $2,
              status = CASE WHEN $3 THEN 'failed' ELSE status END,
              processed_at = CASE WHEN $3 THEN clock_timestamp() ELSE processed_at END
        WHERE id = $1 AND status = 'received'`,
      [id, error, final],
    );
  }

  /** Newest first; each row also carries `cursorAt` (received_at at microsecond precision). */
  async list(f: {
    provider?: string;
    status?: WebhookEventStatus;
    limit: number;
    after?: { createdAt: string; id: string };
  }): Promise<(WebhookEventEntity & { cursorAt: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.provider) where.push(`provider = $${params.push(f.provider)}`);
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.after) {
      const a = params.push(f.after.createdAt);
      const b = params.push(f.after.id);
      where.push(`(received_at, id) < ($${a}::timestamptz, $${b}::uuid)`);
    }
    const limit = params.push(f.limit);
    return this.q(
      `SELECT ${COLUMNS}, ${cursorAtSql('received_at')} AS "cursorAt"
         FROM webhook_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY received_at DESC, id DESC LIMIT $${limit}`,
      params,
    );
  }

  /** `received` events older than `olderThanSec` (their job may have been lost between commit and enqueue). */
  async staleReceived(olderThanSec: number, limit: number): Promise<string[]> {
    const rows = await this.q<{ id: string }>(
      `SELECT id FROM webhook_events WHERE status = 'received' AND received_at < clock_timestamp() - make_interval(secs => $1)
        ORDER BY received_at LIMIT $2`,
      [olderThanSec, limit],
    );
    return rows.map((r) => r.id);
  }
}
