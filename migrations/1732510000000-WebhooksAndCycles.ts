import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound webhooks, savings groups and cycles, outbound webhook endpoints and deliveries. The invariants:
 * one stored event per (provider, event id) (a repeat is a duplicate, never a second effect); one
 * contribution per (group, cycle, member); one payout per (group, cycle) — the last line of defence behind
 * the advisory lock and the row lock (ARCHITECTURE §1.9); one delivery per (endpoint, event).
 */
export class WebhooksAndCycles1732510000000 implements MigrationInterface {
  name = 'WebhooksAndCycles1732510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_events (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        provider      text        NOT NULL,
        event_id      text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 255),
        type          text        NOT NULL,
        scheme        text        NOT NULL CHECK (scheme IN ('standard','legacy')),
        payload       jsonb       NOT NULL,
        status        text        NOT NULL DEFAULT 'received'
                      CHECK (status IN ('received','processed','rejected','failed','ignored')),
        reason        text,
        error         text,
        attempts      integer     NOT NULL DEFAULT 0,
        received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        processed_at  timestamptz,
        CONSTRAINT webhook_events_provider_event_unique UNIQUE (provider, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_events_list_idx ON webhook_events (received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX webhook_events_received_idx ON webhook_events (received_at) WHERE status = 'received'`);

    await q.query(`
      CREATE TABLE savings_groups (
        id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        token              text        NOT NULL,
        decimals           integer     NOT NULL,
        contribution_base  numeric(78,0) NOT NULL CHECK (contribution_base > 0),
        member_count       integer     NOT NULL CHECK (member_count BETWEEN 2 AND 100),
        current_cycle      integer     NOT NULL DEFAULT 1 CHECK (current_cycle >= 1),
        created_by         text        NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at         timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE group_members (
        group_id  uuid    NOT NULL REFERENCES savings_groups(id),
        position  integer NOT NULL CHECK (position >= 0),
        wallet    text    NOT NULL,
        PRIMARY KEY (group_id, position),
        CONSTRAINT group_members_wallet_unique UNIQUE (group_id, wallet)
      )`);
    await q.query(`
      CREATE TABLE cycle_contributions (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id      uuid        NOT NULL REFERENCES savings_groups(id),
        cycle_number  integer     NOT NULL CHECK (cycle_number >= 1),
        wallet        text        NOT NULL,
        amount_base   numeric(78,0) NOT NULL CHECK (amount_base > 0),
        provider      text        NOT NULL,
        source_event  text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT cycle_contributions_one_per_member UNIQUE (group_id, cycle_number, wallet),
        FOREIGN KEY (group_id, wallet) REFERENCES group_members(group_id, wallet)
      )`);
    await q.query(`
      CREATE TABLE cycle_payouts (
        group_id      uuid        NOT NULL REFERENCES savings_groups(id),
        cycle_number  integer     NOT NULL CHECK (cycle_number >= 1),
        wallet        text        NOT NULL,
        amount_base   numeric(78,0) NOT NULL CHECK (amount_base > 0),
        claim_id      uuid        NOT NULL REFERENCES claims(id),
        completed_by  text        NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT cycle_payouts_one_per_cycle UNIQUE (group_id, cycle_number),
        CONSTRAINT cycle_payouts_claim_unique UNIQUE (claim_id)
      )`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        url              text        NOT NULL CHECK (url ~ '^https?://'),
        events           text[]      NOT NULL CHECK (cardinality(events) >= 1),
        secret           text        NOT NULL,
        status           text        NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled','disabled')),
        disabled_reason  text,
        created_by       text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id       uuid        NOT NULL REFERENCES webhook_endpoints(id),
        event_type        text        NOT NULL,
        event_key         text        NOT NULL,
        message_id        text        NOT NULL,
        payload           text        NOT NULL,
        status            text        NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending','sending','succeeded','failed')),
        attempts          integer     NOT NULL DEFAULT 0,
        run_attempts      integer     NOT NULL DEFAULT 0,
        next_attempt_at   timestamptz,
        lease_until       timestamptz,
        last_status_code  integer,
        last_error        text,
        created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at      timestamptz,
        CONSTRAINT webhook_deliveries_once_per_event UNIQUE (endpoint_id, event_key),
        CONSTRAINT webhook_deliveries_message_unique UNIQUE (message_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending','sending')`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id           bigserial   PRIMARY KEY,
        delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries(id),
        attempt      integer     NOT NULL,
        at           timestamptz NOT NULL DEFAULT clock_timestamp(),
        status_code  integer,
        error        text,
        duration_ms  integer     NOT NULL,
        CONSTRAINT webhook_delivery_attempts_unique UNIQUE (delivery_id, attempt)
      )`);
    await q.query(`CREATE TRIGGER webhook_delivery_attempts_append_only BEFORE UPDATE OR DELETE ON webhook_delivery_attempts
                   FOR EACH ROW EXECUTE FUNCTION payrail_forbid_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`DROP TABLE cycle_payouts`);
    await q.query(`DROP TABLE cycle_contributions`);
    await q.query(`DROP TABLE group_members`);
    await q.query(`DROP TABLE savings_groups`);
    await q.query(`DROP TABLE webhook_events`);
  }
}
