import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { GetTreasuryStatusQuery, TreasuryStatus } from './get-treasury-status.query';

@QueryHandler(GetTreasuryStatusQuery)
export class GetTreasuryStatusHandler implements IQueryHandler<GetTreasuryStatusQuery> {
  constructor(
    private readonly payouts: PayoutsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(): Promise<TreasuryStatus> {
    const signer = this.chain.treasury.address;
    const alerts = (await this.payouts.alerts()).filter((a) => a.signer === signer);
    return { signer, alerts: alerts.map((a) => ({ token: a.token, reason: a.reason, since: new Date(a.since).toISOString() })) };
  }
}
