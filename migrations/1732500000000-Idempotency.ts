import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records (API.md "Idempotency-Key") and the nonces of EIP-712 signed claims.
 *
 * idempotency_records: one row per (scope, key), claimed atomically with INSERT ... ON CONFLICT DO NOTHING.
 * `scope` is the API key name (`client:<name>`, `admin`, `signed:<wallet>`), so two clients never collide.
 * A row is `in_flight` while its request runs (`locked_until` bounds how long: a crashed request's row is
 * taken over after it), then `completed` with the exact response (status, a subset of headers, body bytes).
 * Rows past `expires_at` are ignored on read and deleted by the cleanup job.
 *
 * signed_claim_nonces: a nonce is spent once per wallet; inserted in the same transaction as the claim.
 */
export class Idempotency1732500000000 implements MigrationInterface {
  name = 'Idempotency1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_records (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        api_key_name      text        NOT NULL,
        key               text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        fingerprint       text        NOT NULL,
        request_method    text        NOT NULL,
        request_path      text        NOT NULL,
        status            text        NOT NULL CHECK (status IN ('in_flight', 'completed')),
        lock_token        uuid,
        locked_until      timestamptz,
        response_status   integer,
        response_headers  jsonb,
        response_body     bytea,
        created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
        completed_at      timestamptz,
        expires_at        timestamptz NOT NULL,
        CONSTRAINT idempotency_records_scope_key_unique UNIQUE (api_key_name, key),
        CONSTRAINT idempotency_records_completed_has_response
          CHECK (status = 'in_flight' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
      ) WITH (fillfactor = 70)`); // every row is updated once (in_flight -> completed): room for HOT updates
    await q.query(`CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at)`);

    await q.query(`
      CREATE TABLE signed_claim_nonces (
        wallet    text          NOT NULL,
        nonce     numeric(78,0) NOT NULL CHECK (nonce >= 0),
        claim_id  uuid          NOT NULL REFERENCES claims(id),
        used_at   timestamptz   NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT signed_claim_nonces_wallet_nonce_unique UNIQUE (wallet, nonce)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signed_claim_nonces`);
    await q.query(`DROP TABLE idempotency_records`);
  }
}
