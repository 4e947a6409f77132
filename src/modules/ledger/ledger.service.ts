import { Injectable } from '@nestjs/common';
import { assertBalanced, Posting } from './domain/accounts';
import { LedgerRepository } from './persistence/ledger.repository';

/**
 * The ledger port other modules use, inside their own transaction (CLS): every money movement is one
 * journal of >= 2 postings summing to zero per currency, idempotent by a deterministic journal id.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly repo: LedgerRepository) {}

  /** Posts the journal once; a second call with the same id is a no-op and returns false. */
  async post(journalId: string, kind: string, ref: string | null, postings: Posting[]): Promise<boolean> {
    const lines = postings.filter((p) => p.amount !== 0n);
    if (lines.length === 0) return false;
    assertBalanced(lines);
    return this.repo.insertJournal(journalId, kind, ref, lines);
  }

  /**
   * `post` for many journals at once (bulk intake): the same checks per journal, written in two statements
   * however many there are. Returns the ids posted (a journal that already existed is left out).
   */
  async postMany(journals: { id: string; kind: string; ref: string | null; postings: Posting[] }[]): Promise<Set<string>> {
    const lines = journals
      .map((j) => ({ ...j, postings: j.postings.filter((p) => p.amount !== 0n) }))
      .filter((j) => j.postings.length > 0);
    for (const j of lines) assertBalanced(j.postings);
    return this.repo.insertJournals(lines);
  }

  /**
   * Posts, once, the exact opposite of the given journals (postings are immutable: a correction is a new
   * entry). Returns false when already posted or when there was nothing to reverse.
   */
  async reverse(journalIds: string[], journalId: string, kind: string, ref: string | null): Promise<boolean> {
    const original = await this.repo.postingsOf(journalIds);
    return this.post(journalId, kind, ref, original.map((p) => ({ ...p, amount: -p.amount })));
  }

  /** debits - credits of one account in one currency, in base units (0 when it has no postings). */
  async balance(account: string, currency: string): Promise<bigint> {
    const [row] = await this.repo.balances(account, currency);
    return BigInt(row?.balanceBase ?? '0');
  }
}
