import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { LedgerRepository } from '../../persistence/ledger.repository';
import { GetTrialBalanceQuery, TrialBalance } from './get-trial-balance.query';

@QueryHandler(GetTrialBalanceQuery)
export class GetTrialBalanceHandler implements IQueryHandler<GetTrialBalanceQuery> {
  constructor(
    private readonly repo: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(): Promise<TrialBalance> {
    const sums = await this.repo.sumsByCurrency();
    const currencies: Record<string, string> = {};
    for (const symbol of Object.keys(this.config.tokens)) currencies[symbol] = '0';
    for (const [currency, total] of Object.entries(sums)) currencies[currency] = total;
    return { currencies, balanced: Object.values(currencies).every((v) => v === '0') };
  }
}
