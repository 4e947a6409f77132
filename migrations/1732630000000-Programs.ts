import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Programs with budgets (API.md "Programs, client, CLI, reports"). `budget_base` is what was funded (creation and
 * top-ups), `committed_base` what its claims hold (every claim of the program not cancelled or failed), kept in
 * the same transaction as each claim that changes it, under the program's row lock: remaining = budget -
 * committed can never go below zero (CHECK), whatever the concurrency. The ledger mirrors it in
 * `program:<id>:<TOKEN>`.
 */
export class Programs1732630000000 implements MigrationInterface {
  name = 'Programs1732630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE programs (
        id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
        name           text          NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        token          text          NOT NULL,
        budget_base    numeric(78,0) NOT NULL CHECK (budget_base >= 0),
        committed_base numeric(78,0) NOT NULL DEFAULT 0 CHECK (committed_base >= 0),
        status         text          NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
        created_by     text          NOT NULL,
        created_at     timestamptz   NOT NULL DEFAULT now(),
        closed_at      timestamptz,
        CHECK (committed_base <= budget_base)
      )`);
    await q.query(`CREATE INDEX programs_list_idx ON programs (created_at DESC, id DESC)`);
    await q.query(`ALTER TABLE claims ADD COLUMN program_id uuid REFERENCES programs(id)`);
    await q.query(`CREATE INDEX claims_program_idx ON claims (program_id, status) WHERE program_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX claims_program_idx`);
    await q.query(`ALTER TABLE claims DROP COLUMN program_id`);
    await q.query(`DROP TABLE programs`);
  }
}
