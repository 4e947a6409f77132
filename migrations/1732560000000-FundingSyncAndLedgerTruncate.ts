import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Funding is booked from the chain at a block B, per signer and chain (FundingSync): `funding_syncs` keeps the
 * last B per (chain, signer, token) so a sync never goes backwards, and `ledger_journals (ref)` lets it find a
 * signer's funding and payout journals without a scan. The ledger and the audit trail become immune to
 * TRUNCATE (a statement-level event the row triggers never see), and journals, like their postings, can no
 * longer be updated or deleted: their kind and ref now decide what a funding sync counts.
 */
export class FundingSyncAndLedgerTruncate1732560000000 implements MigrationInterface {
  name = 'FundingSyncAndLedgerTruncate1732560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE funding_syncs (
        chain_id    integer     NOT NULL,
        signer      text        NOT NULL,
        token       text        NOT NULL,
        block       bigint      NOT NULL CHECK (block >= 0),
        nonce       bigint      NOT NULL CHECK (nonce >= 0),
        synced_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain_id, signer, token)
      )`);
    await q.query(`CREATE INDEX ledger_journals_ref_idx ON ledger_journals (ref) WHERE ref IS NOT NULL`);
    await q.query(`CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
                   FOR EACH ROW EXECUTE FUNCTION payrail_forbid_change()`);
    for (const table of ['ledger_journals', 'ledger_postings', 'claim_events']) {
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
                     FOR EACH STATEMENT EXECUTE FUNCTION payrail_forbid_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['ledger_journals', 'ledger_postings', 'claim_events']) {
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
    }
    await q.query(`DROP TRIGGER ledger_journals_append_only ON ledger_journals`);
    await q.query(`DROP INDEX ledger_journals_ref_idx`);
    await q.query(`DROP TABLE funding_syncs`);
  }
}
