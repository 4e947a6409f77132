import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims carry the chain they are paid on, so two deployments on different chains can share one database:
 * each leases and sweeps only its own chain's claims. NULL for claims created before this column; a process
 * adopts those for its chain at boot (and the sweeper every tick, for claims written by a process of the
 * previous version during a rolling deploy).
 */
export class ClaimChain1732550000000 implements MigrationInterface {
  name = 'ClaimChain1732550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE claims ADD COLUMN chain_id integer`);
    // the sweeper's keyset pages: pending by (created_at, id), expired leases by (lease_until, id), per chain
    await q.query(`CREATE INDEX claims_pending_sweep_idx ON claims (chain_id, created_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX claims_lease_sweep_idx ON claims (chain_id, lease_until, id) WHERE status = 'processing'`);
    // legacy rows still to adopt (empty once adopted, so the per-tick adoption costs nothing)
    await q.query(`CREATE INDEX claims_unscoped_idx ON claims (id) WHERE chain_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX claims_unscoped_idx`);
    await q.query(`DROP INDEX claims_lease_sweep_idx`);
    await q.query(`DROP INDEX claims_pending_sweep_idx`);
    await q.query(`ALTER TABLE claims DROP COLUMN chain_id`);
  }
}
