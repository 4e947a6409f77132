import { cursorAtSql } from '../../../platform/http/pagination';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';

const ENDPOINT = `id, url, events, secret, status, disabled_reason AS "disabledReason", created_by AS "createdBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const DELIVERY = `d.id, d.endpoint_id AS "endpointId", d.event_type AS "eventType", d.event_key AS "eventKey",
  d.message_id AS "messageId", d.payload, d.status, d.attempts, d.run_attempts AS "runAttempts",
  d.next_attempt_at AS "nextAttemptAt", d.lease_until AS "leaseUntil", d.last_status_code AS "lastStatusCode",
  d.last_error AS "lastError", d.created_at AS "createdAt", d.updated_at AS "updatedAt", d.delivered_at AS "deliveredAt"`;

/** A delivery taken for one attempt, with what is needed to send it. */
export type TakenDelivery = WebhookDeliveryEntity & { url: string; secret: string; endpointStatus: 'enabled' | 'disabled' };

export type AttemptOutcome =
  | { status: 'succeeded'; statusCode: number }
  | { status: 'pending'; statusCode: number | null; error: string; retryInMs: number }
  | { status: 'failed'; statusCode: number | null; error: string };

/** `created_by` of an endpoint registered with the admin token: it receives every client's events. */
export const ADMIN_OWNER = 'admin';

/** Outbound endpoints, their deliveries (one per endpoint and event) and the append-only attempt log. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  async insertEndpoint(e: { url: string; events: string[]; secret: string; createdBy: string }): Promise<WebhookEndpointEntity> {
    const [row] = await this.q<WebhookEndpointEntity>(
      `INSERT INTO webhook_endpoints (url, events, secret, created_by) VALUES ($1, $2::text[], $3, $4) RETURNING ${ENDPOINT}`,
      [e.url, e.events, e.secret, e.createdBy],
    );
    return row!;
  }

  /** The endpoint; with `owner`, only if that key created it (null/unset: an admin or internal, any endpoint). */
  async findEndpoint(id: string, owner?: string | null): Promise<WebhookEndpointEntity | null> {
    if (owner === null || owner === undefined) {
      return (await this.q<WebhookEndpointEntity>(`SELECT ${ENDPOINT} FROM webhook_endpoints WHERE id = $1`, [id]))[0] ?? null;
    }
    return (await this.q<WebhookEndpointEntity>(`SELECT ${ENDPOINT} FROM webhook_endpoints WHERE id = $1 AND created_by = $2`, [id, owner]))[0] ?? null;
  }

  /**
   * Serialises endpoint registration per owner for the rest of the transaction, so two concurrent requests
   * cannot both pass the WEBHOOK_ENDPOINTS_MAX count.
   */
  async lockOwner(owner: string): Promise<void> {
    await this.q(`SELECT pg_advisory_xact_lock(hashtextextended('webhook-endpoints:' || $1, 0))`, [owner]);
  }

  /** Enabled endpoints of one owner (the cap counts these: a disabled endpoint receives nothing). */
  async countEnabled(owner: string): Promise<number> {
    const [row] = await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE created_by = $1 AND status = 'enabled'`, [owner]);
    return row!.n;
  }

  /**
   * One delivery for each enabled endpoint subscribed to the event's type that may see it (created by one of
   * `owners`, or by an admin), in ONE statement; an endpoint that already has this event gets none. Due at once.
   * Returns the new delivery ids.
   */
  async insertDeliveries(d: { eventType: string; eventKey: string; payload: string; owners: string[] }): Promise<string[]> {
    const rows = await this.q<{ id: string }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_type, event_key, message_id, payload, next_attempt_at)
       SELECT e.id, $1, $2, 'msg_' || replace(gen_random_uuid()::text, '-', ''), $3, clock_timestamp()
         FROM webhook_endpoints e
        WHERE e.status = 'enabled' AND $1 = ANY(e.events) AND (e.created_by = $5 OR e.created_by = ANY($4::text[]))
       ON CONFLICT ON CONSTRAINT webhook_deliveries_once_per_event DO NOTHING RETURNING id`,
      [d.eventType, d.eventKey, d.payload, d.owners, ADMIN_OWNER],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Is any enabled endpoint subscribed to one of these event types? One indexed question per event, so a
   * deployment without endpoints spends nothing per claim on the outbox (a 200-claim batch would otherwise
   * read each claim and its owners to find no one to tell).
   */
  async anySubscribed(eventTypes: string[]): Promise<boolean> {
    const rows = await this.q(`SELECT 1 FROM webhook_endpoints WHERE status = 'enabled' AND events && $1::text[] LIMIT 1`, [eventTypes]);
    return rows.length > 0;
  }

  /**
   * The API keys that own these claims: the key that created each (`client`), or for a savings-group payout
   * (`client` = `cycle`) the key that created the group. Vouchers (`signed`) have no key: admins only.
   */
  async ownersOfClaims(claimIds: string[]): Promise<string[]> {
    if (claimIds.length === 0) return [];
    const rows = await this.q<{ owner: string }>(
      `SELECT DISTINCT COALESCE(g.created_by, c.client) AS owner
         FROM claims c
         LEFT JOIN cycle_payouts cp ON cp.claim_id = c.id
         LEFT JOIN savings_groups g ON g.id = cp.group_id
        WHERE c.id = ANY($1::uuid[])`,
      [claimIds],
    );
    return rows.map((r) => r.owner);
  }

  /** The API key that created the group. */
  async ownersOfGroup(groupId: string): Promise<string[]> {
    return (await this.q<{ owner: string }>(`SELECT created_by AS owner FROM savings_groups WHERE id = $1`, [groupId])).map((r) => r.owner);
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.q(
      `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2, updated_at = clock_timestamp() WHERE id = $1 AND status = 'enabled'`,
      [id, reason],
    );
  }

  /**
   * pending -> sending for attempt number `attempt` (the delivery's attempts + 1), under a lease. Null when
   * the attempt was already made or the delivery is not pending (a repeated or stale job does nothing).
   */
  async takeAttempt(id: string, attempt: number, leaseSec: number): Promise<TakenDelivery | null> {
    const rows = await this.q<TakenDelivery>(
      `UPDATE webhook_deliveries d
          SET status = 'sending', attempts = d.attempts + 1, run_attempts = d.run_attempts + 1,
              lease_until = clock_timestamp() + make_interval(secs => $3), updated_at = clock_timestamp()
         FROM webhook_endpoints e
        WHERE d.id = $1 AND d.status = 'pending' AND d.attempts = $2 - 1 AND e.id = d.endpoint_id
        RETURNING ${DELIVERY}, e.url, e.secret, e.status AS "endpointStatus"`,
      [id, attempt, leaseSec],
    );
    return rows[0] ?? null;
  }

  /** Logs the attempt and moves the delivery on (only while this attempt still holds it). */
  async finishAttempt(id: string, attempt: number, outcome: AttemptOutcome, durationMs: number): Promise<boolean> {
    const error = outcome.status === 'succeeded' ? null : outcome.error;
    const retryInMs = outcome.status === 'pending' ? outcome.retryInMs : null;
    const rows = await this.q(
      `UPDATE webhook_deliveries
          SET status = $3, last_status_code = $4, last_error = $5, lease_until = NULL, updated_at = clock_timestamp(),
              next_attempt_at = CASE WHEN $3 = 'pending' THEN clock_timestamp() + make_interval(secs => $6::double precision / 1000) END,
              delivered_at = CASE WHEN $3 = 'succeeded' THEN clock_timestamp() ELSE delivered_at END
        WHERE id = $1 AND attempts = $2 AND status = 'sending' RETURNING id`,
      [id, attempt, outcome.status, outcome.statusCode, error, retryInMs],
    );
    if (rows.length === 0) return false;
    await this.q(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT webhook_delivery_attempts_unique DO NOTHING`,
      [id, attempt, outcome.statusCode, error, Math.max(0, Math.round(durationMs))],
    );
    return true;
  }

  async findDelivery(endpointId: string, deliveryId: string): Promise<WebhookDeliveryEntity | null> {
    return (
      (await this.q<WebhookDeliveryEntity>(`SELECT ${DELIVERY} FROM webhook_deliveries d WHERE d.id = $1 AND d.endpoint_id = $2`, [
        deliveryId,
        endpointId,
      ]))[0] ?? null
    );
  }

  /** Starts a fresh run of the schedule (same message id and body); returns the next attempt number. */
  async restart(endpointId: string, deliveryId: string): Promise<number | null> {
    const rows = await this.q<{ attempts: number }>(
      `UPDATE webhook_deliveries SET status = 'pending', run_attempts = 0, next_attempt_at = clock_timestamp(), updated_at = clock_timestamp()
        WHERE id = $1 AND endpoint_id = $2 AND status <> 'sending' RETURNING attempts`,
      [deliveryId, endpointId],
    );
    return rows[0] ? rows[0].attempts + 1 : null;
  }

  /** Newest first, with `cursorAt` (created_at at microsecond precision). */
  async list(endpointId: string, limit: number, after?: { createdAt: string; id: string }): Promise<(WebhookDeliveryEntity & { cursorAt: string })[]> {
    const params: unknown[] = [endpointId];
    let cond = '';
    if (after) {
      const a = params.push(after.createdAt);
      const b = params.push(after.id);
      cond = `AND (d.created_at, d.id) < ($${a}::timestamptz, $${b}::uuid)`;
    }
    const l = params.push(limit);
    return this.q(
      `SELECT ${DELIVERY}, ${cursorAtSql('d.created_at')} AS "cursorAt"
         FROM webhook_deliveries d WHERE d.endpoint_id = $1 ${cond} ORDER BY d.created_at DESC, d.id DESC LIMIT $${l}`,
      params,
    );
  }

  async attemptsOf(deliveryIds: string[]): Promise<WebhookDeliveryAttemptEntity[]> {
    if (deliveryIds.length === 0) return [];
    return this.q<WebhookDeliveryAttemptEntity>(
      `SELECT id::text, delivery_id AS "deliveryId", attempt, at, status_code AS "statusCode", error, duration_ms AS "durationMs"
         FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt`,
      [deliveryIds],
    );
  }

  /** Pending deliveries overdue by more than `graceSec` (their job was lost): [id, next attempt number]. */
  async overdue(graceSec: number, limit: number): Promise<{ id: string; attempt: number }[]> {
    return this.q<{ id: string; attempt: number }>(
      `SELECT id, attempts + 1 AS attempt FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at < clock_timestamp() - make_interval(secs => $1)
        ORDER BY next_attempt_at LIMIT $2`,
      [graceSec, limit],
    );
  }

  /**
   * Attempts whose worker died mid-request (lease expired): logged as interrupted, then due again at once,
   * or failed when the run's schedule is used up.
   */
  async releaseExpired(scheduleLength: number, limit: number): Promise<number> {
    const rows = await this.q<{ id: string; attempts: number }>(
      `UPDATE webhook_deliveries
          SET status = CASE WHEN run_attempts >= $1 THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN run_attempts >= $1 THEN NULL ELSE clock_timestamp() END,
              last_error = 'attempt interrupted: the worker stopped before recording the response',
              lease_until = NULL, updated_at = clock_timestamp()
        WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'sending' AND lease_until < clock_timestamp() LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, attempts`,
      [scheduleLength, limit],
    );
    for (const r of rows) {
      await this.q(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, NULL, 'attempt interrupted: the worker stopped before recording the response', 0)
         ON CONFLICT ON CONSTRAINT webhook_delivery_attempts_unique DO NOTHING`,
        [r.id, r.attempts],
      );
    }
    return rows.length;
  }
}
