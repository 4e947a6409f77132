import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finality (API.md "Finality"): a settled payout is watched until final. `final` joins the payout statuses;
 * `finalized_at` marks a confirmed or reverted payout that can no longer be reorged out; `reorgs` counts the
 * settlements a reorg took back (it names the journals of each settlement and its reversal). The admin
 * requeue's cancelling transaction is stored before it is sent (`cancel_raw_tx`), like every payout.
 */
export class FinalityAndSigners1732570000000 implements MigrationInterface {
  name = 'FinalityAndSigners1732570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payouts ADD COLUMN reorgs integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE payouts ADD COLUMN finalized_at timestamptz`);
    await q.query(`ALTER TABLE payouts ADD COLUMN cancel_raw_tx text`);
    await q.query(`ALTER TABLE payouts DROP CONSTRAINT payouts_status_check`);
    await q.query(`ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('submitted','confirmed','final','reverted','dropped'))`);
    // the finality watch reads settled payouts that are not final yet, per chain
    await q.query(`CREATE INDEX payouts_awaiting_finality_idx ON payouts (chain_id, block_number) WHERE status IN ('confirmed','reverted') AND finalized_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payouts_awaiting_finality_idx`);
    await q.query(`UPDATE payouts SET status = 'confirmed' WHERE status = 'final'`);
    await q.query(`ALTER TABLE payouts DROP CONSTRAINT payouts_status_check`);
    await q.query(`ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('submitted','confirmed','reverted','dropped'))`);
    await q.query(`ALTER TABLE payouts DROP COLUMN cancel_raw_tx`);
    await q.query(`ALTER TABLE payouts DROP COLUMN finalized_at`);
    await q.query(`ALTER TABLE payouts DROP COLUMN reorgs`);
  }
}
