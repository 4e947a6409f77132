import type { Readable } from 'node:stream';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CsvColumn, csvStream } from '../../../../platform/http/csv';
import { gasShare } from '../../domain/gas-share';
import { formatAmount } from '../../domain/money';
import { ClaimExportRow, ClaimsRepository, SweepKey } from '../../persistence/claims.repository';
import { ExportClaimsQuery } from './export-claims.query';

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The columns of the claims export, in their stable order (API.md "Programs, client, CLI, reports"). `reason`
 * is the only free text a client types: it alone is defused against spreadsheet formulas (a leading `=`, `+`,
 * `-`, `@` gets a `'`); amounts stay exact. `gasShare` is empty until the payout is mined.
 */
export const CLAIM_EXPORT_COLUMNS: readonly CsvColumn<ClaimExportRow>[] = [
  { name: 'id', value: (r) => r.id },
  { name: 'wallet', value: (r) => r.wallet },
  { name: 'token', value: (r) => r.token },
  { name: 'amount', value: (r) => formatAmount(r.amountBase, r.decimals) },
  { name: 'amountBase', value: (r) => r.amountBase },
  { name: 'reason', value: (r) => r.reason, freeText: true },
  { name: 'program', value: (r) => r.program },
  { name: 'status', value: (r) => r.status },
  { name: 'txHash', value: (r) => r.txHash },
  { name: 'blockNumber', value: (r) => r.blockNumber },
  {
    name: 'gasShare',
    value: (r) =>
      r.payoutGas === null || r.payoutClaims === null || r.payoutRank === null ? null : gasShare(BigInt(r.payoutGas), r.payoutClaims, r.payoutRank).toString(),
  },
  { name: 'createdAt', value: (r) => iso(r.createdAt) },
  { name: 'processedAt', value: (r) => iso(r.processedAt) },
];

@QueryHandler(ExportClaimsQuery)
export class ExportClaimsHandler implements IQueryHandler<ExportClaimsQuery> {
  constructor(private readonly repo: ClaimsRepository) {}

  execute(q: ExportClaimsQuery): Promise<Readable> {
    const filter = { owner: q.owner, from: q.range.from, to: q.range.to, program: q.program };
    return csvStream<ClaimExportRow, SweepKey>({
      columns: CLAIM_EXPORT_COLUMNS,
      readPage: (after, limit) => this.repo.exportPage(filter, after, limit),
      keyOf: (r) => ({ at: r.at, id: r.id }),
    });
  }
}
