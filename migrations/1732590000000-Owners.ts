import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Owner-scoped reads (API.md "Security rules"): an API key lists only its own claims (`client` = key name) and
 * the endpoints it registered (`created_by`), and its enabled endpoints are counted against
 * WEBHOOK_ENDPOINTS_MAX; these indexes keep both off a full scan. Claims, groups and endpoints already record
 * their creator's key name, so no column is added.
 */
export class Owners1732590000000 implements MigrationInterface {
  name = 'Owners1732590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX claims_client_list_idx ON claims (client, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX webhook_endpoints_owner_idx ON webhook_endpoints (created_by) WHERE status = 'enabled'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_endpoints_owner_idx`);
    await q.query(`DROP INDEX claims_client_list_idx`);
  }
}
