import type { Readable } from 'node:stream';
import { Query } from '@nestjs/cqrs';
import type { TimeRange } from '../../../../platform/http/time-range';

/** The journals export (GET /v1/ledger/journals/export): a CSV byte stream, one row per posting. */
export class ExportJournalsQuery extends Query<Readable> {
  constructor(readonly range: TimeRange) {
    super();
  }
}
