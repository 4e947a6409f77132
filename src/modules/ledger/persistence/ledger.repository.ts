import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { Posting } from '../domain/accounts';

export interface BalanceRow {
  account: string;
  currency: string;
  balanceBase: string;
}

@Injectable()
export class LedgerRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Inserts the journal and its postings unless a journal with this id exists. Returns whether it did. */
  async insertJournal(id: string, kind: string, ref: string | null, postings: Posting[]): Promise<boolean> {
    const inserted = await queryRows(this.txHost.tx, 
      `INSERT INTO ledger_journals (id, kind, ref) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, kind, ref],
    );
    if (inserted.length === 0) return false;
    const values: string[] = [];
    const params: unknown[] = [id];
    postings.forEach((p, i) => {
      values.push(`($1, $${i * 3 + 2}, $${i * 3 + 3}, $${i * 3 + 4})`);
      params.push(p.account, p.currency, p.amount.toString());
    });
    await this.txHost.tx.query(
      `INSERT INTO ledger_postings (journal_id, account, currency, amount) VALUES ${values.join(', ')}`,
      params,
    );
    return true;
  }

  /**
   * Many journals in two statements (journals, then the postings of those inserted), each unless a journal
   * with its id exists. Returns the ids inserted.
   */
  async insertJournals(journals: { id: string; kind: string; ref: string | null; postings: Posting[] }[]): Promise<Set<string>> {
    if (journals.length === 0) return new Set();
    const inserted = await queryRows<{ id: string }>(
      this.txHost.tx,
      `INSERT INTO ledger_journals (id, kind, ref)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [journals.map((j) => j.id), journals.map((j) => j.kind), journals.map((j) => j.ref)],
    );
    const ids = new Set(inserted.map((r) => r.id));
    const lines = journals.filter((j) => ids.has(j.id)).flatMap((j) => j.postings.map((p) => ({ journal: j.id, ...p })));
    if (lines.length) {
      await this.txHost.tx.query(
        `INSERT INTO ledger_postings (journal_id, account, currency, amount)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[])`,
        [lines.map((l) => l.journal), lines.map((l) => l.account), lines.map((l) => l.currency), lines.map((l) => l.amount.toString())],
      );
    }
    return ids;
  }

  /** The postings of these journals (those that exist). */
  async postingsOf(journalIds: string[]): Promise<Posting[]> {
    const rows = await queryRows<{ account: string; currency: string; amount: string }>(
      this.txHost.tx,
      `SELECT account, currency, amount::text FROM ledger_postings WHERE journal_id = ANY($1::text[]) ORDER BY id`,
      [journalIds],
    );
    return rows.map((r) => ({ account: r.account, currency: r.currency, amount: BigInt(r.amount) }));
  }

  async balances(account?: string, currency?: string): Promise<BalanceRow[]> {
    return queryRows<BalanceRow>(this.txHost.tx, 
      `SELECT account, currency, sum(amount)::text AS "balanceBase" FROM ledger_postings
        WHERE ($1::text IS NULL OR account = $1) AND ($2::text IS NULL OR currency = $2)
        GROUP BY account, currency ORDER BY account, currency`,
      [account ?? null, currency ?? null],
    );
  }

  async sumsByCurrency(): Promise<Record<string, string>> {
    const rows = await queryRows<{ currency: string; total: string }>(this.txHost.tx, 
      `SELECT currency, sum(amount)::text AS total FROM ledger_postings GROUP BY currency`,
    );
    return Object.fromEntries(rows.map((r) => [r.currency, r.total]));
  }
}
