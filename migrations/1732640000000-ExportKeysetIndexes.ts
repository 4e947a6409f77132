import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journals export (GET /v1/ledger/journals/export) reads the ledger a keyset page at a time in
 * (created_at, id) order: without this index every page would sort the whole journal table. (The claims export
 * walks claims_list_idx backwards.)
 */
export class ExportKeysetIndexes1732640000000 implements MigrationInterface {
  name = 'ExportKeysetIndexes1732640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ledger_journals_created_idx ON ledger_journals (created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_journals_created_idx`);
  }
}
