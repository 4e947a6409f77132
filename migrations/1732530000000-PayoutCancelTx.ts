import { MigrationInterface, QueryRunner } from 'typeorm';

/** The 0-value self-transfer an admin requeue uses to take a payout's nonce (its gas is booked on drop). */
export class PayoutCancelTx1732530000000 implements MigrationInterface {
  name = 'PayoutCancelTx1732530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payouts ADD COLUMN cancel_tx_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payouts DROP COLUMN cancel_tx_hash`);
  }
}
