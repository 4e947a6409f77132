import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recovery state for the payout pipeline: the block of the last broadcast (stuck detection), a status
 * for payouts whose nonce was provably consumed by a foreign transaction, and the treasury's funding alerts.
 */
export class PayoutRecovery1732520000000 implements MigrationInterface {
  name = 'PayoutRecovery1732520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payouts ADD COLUMN last_broadcast_block bigint`);
    await q.query(`ALTER TABLE payouts ADD COLUMN replacements integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE payouts DROP CONSTRAINT payouts_status_check`);
    await q.query(`ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('submitted','confirmed','reverted','dropped'))`);
    await q.query(`
      CREATE TABLE treasury_alerts (
        signer      text        NOT NULL,
        token       text        NOT NULL,
        reason      text        NOT NULL,
        since       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (signer, token)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE treasury_alerts`);
    await q.query(`ALTER TABLE payouts DROP CONSTRAINT payouts_status_check`);
    await q.query(`ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('submitted','confirmed','reverted'))`);
    await q.query(`ALTER TABLE payouts DROP COLUMN replacements`);
    await q.query(`ALTER TABLE payouts DROP COLUMN last_broadcast_block`);
  }
}
