import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { ListSignersQuery, SignerView } from './list-signers.query';

/** `p`, or a rejection after `ms` (the timer does not keep the process alive). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}

/**
 * Every signer of this chain with its own nonce, in-flight count and on-chain balances: each active key (every
 * lane of a TREASURY_PRIVATE_KEYS pool) and the retired ones in the configured order, then the orphaned ones.
 */
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
    // loaded keys as configured (the active ones first, the first being `treasury`), then the orphaned by address
    const loaded = this.chain.loadedSigners().map((a) => a.toLowerCase());
    const rank = (v: SignerView) => (v.role === 'orphaned' ? loaded.length : loaded.indexOf(v.address.toLowerCase()));
    views.sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address));
    if (q.withBalances) {
      await Promise.all(
        views.map(async (v) => {
          try {
            const read = Promise.all(this.chain.tokenSymbols().map(async (t) => [t, (await this.chain.balanceOf(t, v.address)).toString()] as const));
            const entries = q.balanceTimeoutMs === undefined ? await read : await within(read, q.balanceTimeoutMs);
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
