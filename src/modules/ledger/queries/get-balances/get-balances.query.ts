import { Query } from '@nestjs/cqrs';
import type { BalanceRow } from '../../persistence/ledger.repository';

export class GetBalancesQuery extends Query<BalanceRow[]> {
  constructor(
    readonly account?: string,
    readonly currency?: string,
  ) {
    super();
  }
}
