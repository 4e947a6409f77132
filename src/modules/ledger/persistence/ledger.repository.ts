import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { cursorAtSql } from '../../../platform/http/pagination';
import { Posting } from '../domain/accounts';

export interface BalanceRow {
  account: string;
  currency: string;
  balanceBase: string;
}

/** One row of the journals export: a posting with its journal. */
export interface PostingExportRow {
  journalId: string;
  kind: string;
  ref: string | null;
  createdAt: Date;
  postingId: string;
  account: string;
  currency: string;
  /** signed integer string in base units, as stored: debit > 0, credit < 0 */
  amount: string;
  /** keyset position: the journal's created_at at microsecond precision */
  at: string;
}

/** A keyset position in the journals export: (journal created_at, journal id, posting id). */
export interface PostingKey {
  at: string;
  journalId: string;
  postingId: string;
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

  /**
   * One keyset page of the journals export: the postings of the journals created in [from, to), ordered by
   * (journal created_at, journal id, posting id) so that a journal's postings are adjacent, after `after`.
   * The journal's created_at (not the posting's) decides the range: a journal is never split by it.
   */
  async exportPage(from: string | null, to: string | null, after: PostingKey | null, limit: number): Promise<PostingExportRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (from !== null) where.push(`j.created_at >= $${params.push(from)}::timestamptz`);
    if (to !== null) where.push(`j.created_at < $${params.push(to)}::timestamptz`);
    if (after) {
      const a = params.push(after.at);
      const b = params.push(after.journalId);
      const c = params.push(after.postingId);
      where.push(`(j.created_at, j.id, p.id) > ($${a}::timestamptz, $${b}::text, $${c}::bigint)`);
    }
    return queryRows<PostingExportRow>(
      this.txHost.tx,
      `SELECT j.id AS "journalId", j.kind, j.ref, j.created_at AS "createdAt", p.id::text AS "postingId", p.account, p.currency,
              p.amount::text AS amount, ${cursorAtSql('j.created_at')} AS at
         FROM ledger_journals j JOIN ledger_postings p ON p.journal_id = j.id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY j.created_at, j.id, p.id LIMIT $${params.push(limit)}`,
      params,
    );
  }
}
