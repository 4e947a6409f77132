import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { PausesRepository } from '../../persistence/pauses.repository';
import { GetTreasuryStatusQuery, TreasuryStatus } from './get-treasury-status.query';

@QueryHandler(GetTreasuryStatusQuery)
export class GetTreasuryStatusHandler implements IQueryHandler<GetTreasuryStatusQuery> {
  constructor(
    private readonly payouts: PayoutsRepository,
    private readonly chain: ChainService,
    private readonly pauses: PausesRepository,
  ) {}

  async execute(): Promise<TreasuryStatus> {
    // every active lane's alerts (a pool has several); `signer` stays the first lane, as with one key
    const lanes = this.chain.activeAddresses();
    const alerts = (await this.payouts.alerts()).filter((a) => lanes.includes(a.signer));
    return {
      signer: lanes[0]!,
      alerts: alerts.map((a) => ({ token: a.token, reason: a.reason, since: new Date(a.since).toISOString(), ...(lanes.length > 1 ? { signer: a.signer } : {}) })),
      paused: (await this.pauses.list()).map((p) => ({ token: p.token, reason: p.reason, since: p.since })),
    };
  }
}
