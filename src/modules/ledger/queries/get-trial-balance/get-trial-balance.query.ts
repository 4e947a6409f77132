import { Query } from '@nestjs/cqrs';

export interface TrialBalance {
  currencies: Record<string, string>;
  balanced: boolean;
}

export class GetTrialBalanceQuery extends Query<TrialBalance> {}
