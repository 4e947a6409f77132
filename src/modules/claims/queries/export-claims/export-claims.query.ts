import type { Readable } from 'node:stream';
import { Query } from '@nestjs/cqrs';
import type { TimeRange } from '../../../../platform/http/time-range';

/** The claims export (GET /v1/claims/export): a CSV byte stream. */
export class ExportClaimsQuery extends Query<Readable> {
  constructor(
    readonly range: TimeRange,
    /** the API key asking (the claims it may read); null = every claim (admin) */
    readonly owner: string | null,
    /** only this program's claims */
    readonly program: string | null = null,
  ) {
    super();
  }
}
