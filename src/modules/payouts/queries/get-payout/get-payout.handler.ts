import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { DomainError } from '../../../../platform/errors/domain-error';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { GetPayoutQuery, PayoutView } from './get-payout.query';

export class PayoutNotFoundError extends DomainError {
  constructor(id: string) {
    super('PAYOUT.NOT_FOUND', `No payout with id ${id}`);
  }
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

@QueryHandler(GetPayoutQuery)
export class GetPayoutHandler implements IQueryHandler<GetPayoutQuery> {
  constructor(
    private readonly repo: PayoutsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(q: GetPayoutQuery): Promise<PayoutView> {
    const p = await this.repo.findById(q.payoutId);
    if (!p) throw new PayoutNotFoundError(q.payoutId);
    let confirmations = 0;
    if (p.blockNumber !== null) {
      const head = await this.chain.provider.getBlockNumber();
      confirmations = Math.max(0, head - Number(p.blockNumber) + 1);
    }
    return {
      id: p.id,
      kind: p.kind,
      claimIds: p.claimIds,
      token: p.token,
      signer: p.signer,
      nonce: Number(p.nonce),
      txHashes: p.txHashes,
      status: p.status,
      confirmations,
      gasUsed: p.gasUsed,
      createdAt: iso(p.createdAt)!,
      broadcastAt: iso(p.broadcastAt),
      confirmedAt: iso(p.confirmedAt),
    };
  }
}
