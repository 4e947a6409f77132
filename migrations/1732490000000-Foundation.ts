import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation schema. The invariants of ARCHITECTURE §1 live here, in the database:
 * unique idempo_key (one claim per entitlement), unique (signer, chain, nonce) (one payout per nonce),
 * append-only audit events and postings, and a deferred check that every journal sums to zero per currency.
 */
export class Foundation1732490000000 implements MigrationInterface {
  name = 'Foundation1732490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signers (
        address     text        NOT NULL,
        chain_id    integer     NOT NULL,
        next_nonce  bigint      NOT NULL CHECK (next_nonce >= 0),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (address, chain_id)
      )`);

    await q.query(`
      CREATE TABLE payouts (
        id                        uuid        PRIMARY KEY,
        claim_ids                 uuid[]      NOT NULL,
        token                     text        NOT NULL,
        signer                    text        NOT NULL,
        chain_id                  integer     NOT NULL,
        nonce                     bigint      NOT NULL,
        to_address                text        NOT NULL,
        value                     numeric(78,0) NOT NULL,
        data                      text        NOT NULL,
        gas_limit                 numeric(78,0) NOT NULL,
        max_fee_per_gas           numeric(78,0) NOT NULL,
        max_priority_fee_per_gas  numeric(78,0) NOT NULL,
        raw_tx                    text        NOT NULL,
        tx_hashes                 text[]      NOT NULL,
        status                    text        NOT NULL CHECK (status IN ('submitted','confirmed','reverted')),
        mined_tx_hash             text,
        block_number              bigint,
        block_hash                text,
        gas_used                  numeric(78,0),
        effective_gas_price       numeric(78,0),
        broadcast_attempts        integer     NOT NULL DEFAULT 0,
        last_error                text,
        created_at                timestamptz NOT NULL DEFAULT now(),
        broadcast_at              timestamptz,
        confirmed_at              timestamptz,
        CONSTRAINT payouts_one_per_nonce UNIQUE (signer, chain_id, nonce)
      )`);
    await q.query(`CREATE INDEX payouts_in_flight_idx ON payouts (signer, nonce) WHERE status = 'submitted'`);

    await q.query(`
      CREATE TABLE claims (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        idempo_key    text        NOT NULL,
        wallet        text        NOT NULL,
        token         text        NOT NULL,
        amount_base   numeric(78,0) NOT NULL CHECK (amount_base > 0),
        decimals      integer     NOT NULL,
        reason        text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
        client        text        NOT NULL,
        status        text        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending','processing','submitted','completed','failed','cancelled')),
        attempts      integer     NOT NULL DEFAULT 0,
        tx_hash       text,
        payout_id     uuid        REFERENCES payouts(id),
        last_error    text,
        lease_owner   text,
        lease_until   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        processed_at  timestamptz,
        CONSTRAINT claims_idempo_key_unique UNIQUE (idempo_key)
      )`);
    // seed 000's rate_metrics_idx: health counts and rate1m without a full scan
    await q.query(`CREATE INDEX claims_status_processed_idx ON claims (status, processed_at)`);
    await q.query(`CREATE INDEX claims_list_idx ON claims (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX claims_wallet_list_idx ON claims (wallet, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX claims_open_idx ON claims (status, created_at) WHERE status IN ('pending','processing')`);
    await q.query(`CREATE INDEX claims_payout_idx ON claims (payout_id) WHERE payout_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE claim_events (
        id          bigserial   PRIMARY KEY,
        claim_id    uuid        NOT NULL REFERENCES claims(id),
        at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        from_status text,
        to_status   text        NOT NULL,
        actor       text        NOT NULL,
        detail      jsonb       NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, id)`);

    await q.query(`
      CREATE TABLE ledger_journals (
        id          text        PRIMARY KEY,
        kind        text        NOT NULL,
        ref         text,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ledger_postings (
        id          bigserial   PRIMARY KEY,
        journal_id  text        NOT NULL REFERENCES ledger_journals(id),
        account     text        NOT NULL,
        currency    text        NOT NULL,
        amount      numeric     NOT NULL CHECK (amount <> 0),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ledger_postings_account_idx ON ledger_postings (account, currency)`);
    await q.query(`CREATE INDEX ledger_postings_journal_idx ON ledger_postings (journal_id)`);

    // Append-only: audit events and postings are never updated or deleted.
    await q.query(`
      CREATE FUNCTION payrail_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    await q.query(`CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events
                   FOR EACH ROW EXECUTE FUNCTION payrail_forbid_change()`);
    await q.query(`CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
                   FOR EACH ROW EXECUTE FUNCTION payrail_forbid_change()`);

    // Double entry, enforced at commit: each journal sums to zero per currency.
    await q.query(`
      CREATE FUNCTION payrail_check_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE bad text;
      BEGIN
        SELECT currency INTO bad FROM ledger_postings WHERE journal_id = NEW.journal_id
          GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'journal % does not balance in %', NEW.journal_id, bad;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE CONSTRAINT TRIGGER ledger_journal_balanced AFTER INSERT ON ledger_postings
                   DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payrail_check_journal_balanced()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_postings`);
    await q.query(`DROP TABLE ledger_journals`);
    await q.query(`DROP TABLE claim_events`);
    await q.query(`DROP TABLE claims`);
    await q.query(`DROP TABLE payouts`);
    await q.query(`DROP TABLE signers`);
    await q.query(`DROP FUNCTION payrail_check_journal_balanced()`);
    await q.query(`DROP FUNCTION payrail_forbid_change()`);
  }
}
