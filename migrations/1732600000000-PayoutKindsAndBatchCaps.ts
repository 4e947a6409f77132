import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signer lanes and batches (API.md wave 2, ADR 0006):
 * - `payouts.kind`: `transfer` (one claim, a plain transfer), `batch` (many claims, one call of the
 *   batch-payout contract) or `approve` (the lane's one-time ERC-20 approval of that contract: no claims, its
 *   gas is booked like any payout's).
 * - `claims.max_batch`: set when a batch carrying the claim reverted for good; the claim then only goes out
 *   in batches at most that big (halved each time), until the claim that makes it revert is alone.
 * - `payouts.amount_total`: the token amount the payout carries (the sum of its claims), stored when it is
 *   signed, so the lane's funds check sums in-flight payouts without reading their claims (null on payouts
 *   signed before: the check reads their claims).
 * - the lane's bulk take reads pending claims of one token per chain, oldest first.
 */
export class PayoutKindsAndBatchCaps1732600000000 implements MigrationInterface {
  name = 'PayoutKindsAndBatchCaps1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payouts ADD COLUMN kind text NOT NULL DEFAULT 'transfer' CHECK (kind IN ('transfer','batch','approve'))`);
    await q.query(`ALTER TABLE payouts ADD COLUMN amount_total numeric CHECK (amount_total IS NULL OR amount_total >= 0)`);
    await q.query(`ALTER TABLE claims ADD COLUMN max_batch integer CHECK (max_batch IS NULL OR max_batch >= 1)`);
    await q.query(`CREATE INDEX claims_lane_take_idx ON claims (chain_id, token, created_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX payouts_open_signer_idx ON payouts (signer, chain_id, nonce) WHERE status = 'submitted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payouts_open_signer_idx`);
    await q.query(`DROP INDEX claims_lane_take_idx`);
    await q.query(`ALTER TABLE claims DROP COLUMN max_batch`);
    await q.query(`ALTER TABLE payouts DROP COLUMN amount_total`);
    await q.query(`ALTER TABLE payouts DROP COLUMN kind`);
  }
}
