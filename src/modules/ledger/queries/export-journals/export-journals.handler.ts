import type { Readable } from 'node:stream';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CsvColumn, csvStream } from '../../../../platform/http/csv';
import { LedgerRepository, PostingExportRow, PostingKey } from '../../persistence/ledger.repository';
import { ExportJournalsQuery } from './export-journals.query';

/**
 * The columns of the journals export, one row per posting, in their stable order. Payrail writes every value
 * (journal ids, kinds, refs, account names of addresses and symbols), none starts like a formula; the text
 * columns that embed outside ids (journalId, ref, account) are defused all the same, as a guard should one
 * ever do. `amount` is signed base units as stored and never altered: a currency's rows sum to the trial balance.
 */
export const JOURNAL_EXPORT_COLUMNS: readonly CsvColumn<PostingExportRow>[] = [
  { name: 'journalId', value: (r) => r.journalId, freeText: true },
  { name: 'kind', value: (r) => r.kind },
  { name: 'ref', value: (r) => r.ref, freeText: true },
  { name: 'createdAt', value: (r) => new Date(r.createdAt).toISOString() },
  { name: 'account', value: (r) => r.account, freeText: true },
  { name: 'currency', value: (r) => r.currency },
  { name: 'amount', value: (r) => r.amount },
];

@QueryHandler(ExportJournalsQuery)
export class ExportJournalsHandler implements IQueryHandler<ExportJournalsQuery> {
  constructor(private readonly repo: LedgerRepository) {}

  execute(q: ExportJournalsQuery): Promise<Readable> {
    return csvStream<PostingExportRow, PostingKey>({
      columns: JOURNAL_EXPORT_COLUMNS,
      readPage: (after, limit) => this.repo.exportPage(q.range.from, q.range.to, after, limit),
      keyOf: (r) => ({ at: r.at, journalId: r.journalId, postingId: r.postingId }),
    });
  }
}
