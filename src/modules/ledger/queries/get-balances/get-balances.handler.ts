import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { BalanceRow, LedgerRepository } from '../../persistence/ledger.repository';
import { GetBalancesQuery } from './get-balances.query';

@QueryHandler(GetBalancesQuery)
export class GetBalancesHandler implements IQueryHandler<GetBalancesQuery> {
  constructor(private readonly repo: LedgerRepository) {}

  execute(q: GetBalancesQuery): Promise<BalanceRow[]> {
    return this.repo.balances(q.account, q.currency);
  }
}
