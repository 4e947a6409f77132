import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Treasury controls (API.md "Treasury controls"): a claim may be `held` (above APPROVAL_ABOVE until an admin
 * approves or rejects it, or to a wallet denied after intake), the denylist of wallets never paid, and the
 * index the daily limits read (money signed per token in the last 24 h).
 */
export class HeldClaimsAndDenylist1732620000000 implements MigrationInterface {
  name = 'HeldClaimsAndDenylist1732620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims DROP CONSTRAINT IF EXISTS claims_status_check`);
    await q.query(`ALTER TABLE claims ADD CONSTRAINT claims_status_check
      CHECK (status IN ('pending','held','processing','submitted','completed','failed','cancelled'))`);
    await q.query(`CREATE INDEX claims_held_idx ON claims (created_at, id) WHERE status = 'held'`);
    await q.query(`
      CREATE TABLE denylist (
        address  text        PRIMARY KEY CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
        reason   text        NOT NULL DEFAULT '',
        added_by text        NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payouts_token_window_idx ON payouts (token, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payouts_token_window_idx`);
    await q.query(`DROP TABLE denylist`);
    await q.query(`DROP INDEX claims_held_idx`);
    await q.query(`UPDATE claims SET status = 'pending' WHERE status = 'held'`);
    await q.query(`ALTER TABLE claims DROP CONSTRAINT claims_status_check`);
    await q.query(`ALTER TABLE claims ADD CONSTRAINT claims_status_check
      CHECK (status IN ('pending','processing','submitted','completed','failed','cancelled'))`);
  }
}
