import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { cursorAtSql } from '../../../platform/http/pagination';
import { ProgramRow } from './program.entity';

const COLUMNS = `id, name, token, budget_base::text AS "budgetBase", committed_base::text AS "committedBase", status,
  created_by AS "createdBy", created_at AS "createdAt", closed_at AS "closedAt"`;

/** What a program's claims hold, by status, and the gas of the payouts that carried them (shares, in wei). */
export interface ProgramTotals {
  byStatus: Record<string, { count: number; amountBase: string }>;
  gasWei: string;
}

@Injectable()
export class ProgramsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T>(sql: string, params: unknown[]): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  async insert(p: { name: string; token: string; budgetBase: bigint; createdBy: string }): Promise<ProgramRow> {
    return (await this.q<ProgramRow>(
      `INSERT INTO programs (name, token, budget_base, created_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [p.name, p.token, p.budgetBase.toString(), p.createdBy],
    ))[0]!;
  }

  /** The program (only if `owner` created it; null owner = an admin, any), optionally locked for the transaction. */
  async find(id: string, owner: string | null, lock = false): Promise<ProgramRow | null> {
    const rows = await this.q<ProgramRow>(
      `SELECT ${COLUMNS} FROM programs WHERE id = $1 AND ($2::text IS NULL OR created_by = $2) ${lock ? 'FOR UPDATE' : ''}`,
      [id, owner],
    );
    return rows[0] ?? null;
  }

  /** Several programs locked in id order (two bulk requests naming the same programs never deadlock). */
  async lockMany(ids: string[], owner: string | null): Promise<ProgramRow[]> {
    if (ids.length === 0) return [];
    return this.q<ProgramRow>(
      `SELECT ${COLUMNS} FROM programs WHERE id = ANY($1::uuid[]) AND ($2::text IS NULL OR created_by = $2) ORDER BY id FOR UPDATE`,
      [ids, owner],
    );
  }

  async addCommitted(id: string, delta: bigint): Promise<void> {
    if (delta === 0n) return;
    await this.q(`UPDATE programs SET committed_base = committed_base + $2 WHERE id = $1`, [id, delta.toString()]);
  }

  async addBudget(id: string, amount: bigint): Promise<void> {
    await this.q(`UPDATE programs SET budget_base = budget_base + $2 WHERE id = $1`, [id, amount.toString()]);
  }

  async close(id: string): Promise<void> {
    await this.q(`UPDATE programs SET status = 'closed', closed_at = coalesce(closed_at, clock_timestamp()) WHERE id = $1`, [id]);
  }

  /** Newest first, keyset after `after`; each row also carries `cursorAt`. */
  async list(owner: string | null, limit: number, after: { createdAt: string; id: string } | null): Promise<(ProgramRow & { cursorAt: string })[]> {
    return this.q(
      `SELECT ${COLUMNS}, ${cursorAtSql('created_at')} AS "cursorAt" FROM programs
        WHERE ($1::text IS NULL OR created_by = $1)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [owner, limit, after?.createdAt ?? null, after?.id ?? null],
    );
  }

  /**
   * Counts and amounts of the program's claims by status, and the gas its paid claims cost: each mined payout's
   * gas (gas used x effective price) split evenly over the claims it carried, the first `gas mod n` of them (by
   * id) one wei more, so the shares of a payout sum exactly to its gas.
   */
  async totals(id: string): Promise<ProgramTotals> {
    const rows = await this.q<{ status: string; n: number; amount: string }>(
      `SELECT status, count(*)::int AS n, sum(amount_base)::text AS amount FROM claims WHERE program_id = $1 GROUP BY status`,
      [id],
    );
    const [gas] = await this.q<{ wei: string }>(
      `WITH carried AS (
         SELECT c.program_id, c.status, p.gas_used * p.effective_gas_price AS g,
                count(*) OVER (PARTITION BY p.id) AS n, row_number() OVER (PARTITION BY p.id ORDER BY c.id) AS r
           FROM payouts p JOIN claims c ON c.payout_id = p.id
          WHERE p.id IN (SELECT payout_id FROM claims WHERE program_id = $1 AND payout_id IS NOT NULL)
            AND p.gas_used IS NOT NULL AND p.effective_gas_price IS NOT NULL)
       SELECT coalesce(sum(div(g, n) + CASE WHEN r <= mod(g, n) THEN 1 ELSE 0 END), 0)::text AS wei
         FROM carried WHERE program_id = $1 AND status = 'completed'`,
      [id],
    );
    return {
      byStatus: Object.fromEntries(rows.map((r) => [r.status, { count: r.n, amountBase: r.amount }])),
      gasWei: gas?.wei ?? '0',
    };
  }

  /** Remaining budget (base units) of every open program, for `payrail_program_remaining`. */
  async remainingOfOpen(): Promise<{ id: string; name: string; token: string; remaining: string }[]> {
    return this.q(`SELECT id, name, token, (budget_base - committed_base)::text AS remaining FROM programs WHERE status = 'open'`, []);
  }
}
