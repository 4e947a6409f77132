import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed claims become vouchers of an issuer (CLAIM_ISSUERS): their nonces are unique per ISSUER, not per
 * wallet. Rows already stored were signed by their wallet itself, so their issuer IS that wallet; they are
 * kept, with `issuer` filled in from `wallet`.
 *
 * A cycle payout can be repaid by an admin when its claim failed or was cancelled: `claim_id` then points at
 * the repay claim, and `previous_claim_ids` keeps every claim it replaced, oldest first.
 *
 * down(): restoring UNIQUE (wallet, nonce) fails if two issuers have since used one nonce for one wallet;
 * delete or renumber those rows first (they are vouchers the old code could not have accepted).
 */
export class VouchersAndCycleRepay1732540000000 implements MigrationInterface {
  name = 'VouchersAndCycleRepay1732540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signed_claim_nonces ADD COLUMN issuer text`);
    await q.query(`UPDATE signed_claim_nonces SET issuer = wallet`);
    await q.query(`ALTER TABLE signed_claim_nonces ALTER COLUMN issuer SET NOT NULL`);
    await q.query(`ALTER TABLE signed_claim_nonces DROP CONSTRAINT signed_claim_nonces_wallet_nonce_unique`);
    await q.query(`ALTER TABLE signed_claim_nonces ADD CONSTRAINT signed_claim_nonces_issuer_nonce_unique UNIQUE (issuer, nonce)`);

    await q.query(`ALTER TABLE cycle_payouts ADD COLUMN previous_claim_ids uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cycle_payouts DROP COLUMN previous_claim_ids`);

    await q.query(`ALTER TABLE signed_claim_nonces DROP CONSTRAINT signed_claim_nonces_issuer_nonce_unique`);
    await q.query(`ALTER TABLE signed_claim_nonces ADD CONSTRAINT signed_claim_nonces_wallet_nonce_unique UNIQUE (wallet, nonce)`);
    await q.query(`ALTER TABLE signed_claim_nonces DROP COLUMN issuer`);
  }
}
