import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pausing payouts (API.md "Treasury controls"): one row per (token, reason) while payouts of that token are
 * paused (`*` = every token). `manual` is an admin's pause; the breaker's reasons (`imbalance`, `drift`,
 * `floor`) are written by the reconciliation. A lane checks it under its signer lock before signing anything.
 */
export class PayoutPauses1732610000000 implements MigrationInterface {
  name = 'PayoutPauses1732610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payout_pauses (
        token  text        NOT NULL,
        reason text        NOT NULL CHECK (reason IN ('manual','imbalance','drift','floor')),
        since  timestamptz NOT NULL DEFAULT now(),
        actor  text        NOT NULL,
        PRIMARY KEY (token, reason)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payout_pauses`);
  }
}
