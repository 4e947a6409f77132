import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { ListSignersQuery, SignerView } from './list-signers.query';

@QueryHandler(ListSignersQuery)
export class ListSignersHandler implements IQueryHandler<ListSignersQuery> {
  constructor(
    private readonly payouts: PayoutsRepository,
    private readonly chain: ChainService,
  ) {}

  async execute(q: ListSignersQuery): Promise<SignerView[]> {
    const rows = await this.payouts.signerSummaries(this.chain.chainId);
    const views: SignerView[] = [];
    for (const row of rows) {
      const role = this.chain.roleOf(row.address) ?? (row.inFlight > 0 ? 'orphaned' : null);
      if (!role) continue; // a key no longer loaded and with nothing in flight: nothing to report
      views.push({ address: row.address, chainId: this.chain.chainId, role, nextNonce: row.nextNonce, inFlight: row.inFlight });
    }
    const order = { active: 0, retired: 1, orphaned: 2 };
    views.sort((a, b) => order[a.role] - order[b.role] || a.address.localeCompare(b.address));
    if (q.withBalances) {
      await Promise.all(
        views.map(async (v) => {
          try {
            const entries = await Promise.all(this.chain.tokenSymbols().map(async (t) => [t, (await this.chain.balanceOf(t, v.address)).toString()] as const));
            v.balances = Object.fromEntries(entries);
          } catch {
            /* RPC down: the list is still useful without balances */
          }
        }),
      );
    }
    return views;
  }
}
