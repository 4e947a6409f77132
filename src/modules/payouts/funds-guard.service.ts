import { Injectable } from '@nestjs/common';
import { ChainService } from '../../platform/chain/chain.service';
import { formatAmount } from '../claims/domain/money';
import { PayoutsRepository } from './persistence/payouts.repository';

/** A lane's balances at one block, read before any lock is taken (ChainHead). */
export interface FundsView {
  block: number;
  /** token symbol -> base units at `block`; ETH always present */
  balances: Record<string, bigint>;
}

/**
 * Will the lane still cover this payout once everything it already signed is paid? No RPC here: the caller
 * read the lane's balances at block B (ChainHead, once per block) before taking the signer lock, and this
 * subtracts, from Postgres, every payout of the signer that B's balance may not reflect yet: those still in
 * flight, and those settled in a block after B. Conservative on purpose (a payout mined at or before B but
 * not settled yet counts twice; gas is counted at its cap): a claim may wait one block longer, a transfer
 * never reverts for want of funds Payrail promised elsewhere. Call it inside the signing transaction, after
 * the nonce is allocated: the signer row lock serialises the lane.
 */
@Injectable()
export class FundsGuard {
  constructor(
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
  ) {}

  /** What the lane can still spend of `token` and of ETH, after its commitments. */
  async available(signer: string, token: string, view: FundsView): Promise<{ token: bigint; eth: bigint }> {
    const committed = await this.payouts.commitmentsSince(signer, this.chain.chainId, view.block);
    const ethCommitted = committed.reduce((s, c) => s + BigInt(c.ethBudget), 0n);
    const tokenCommitted = token === 'ETH' ? 0n : BigInt(committed.find((c) => c.token === token)?.amount ?? '0');
    return { token: (view.balances[token] ?? 0n) - tokenCommitted, eth: (view.balances.ETH ?? 0n) - ethCommitted };
  }

  /** Null when `amount` of `token` plus `value` and `maxGasCost` in ETH are covered, else the reason. */
  shortfall(token: string, available: { token: bigint; eth: bigint }, amount: bigint, value: bigint, maxGasCost: bigint): string | null {
    if (token !== 'ETH' && available.token < amount) {
      const decimals = this.chain.token(token)!.decimals;
      return `insufficient ${token}: ${formatAmount(available.token < 0n ? 0n : available.token, decimals)} available, ${formatAmount(amount, decimals)} needed`;
    }
    const ethNeeded = value + maxGasCost;
    if (available.eth < ethNeeded) {
      return `insufficient ETH for ${token === 'ETH' ? 'value and gas' : 'gas'}: ${formatAmount(available.eth < 0n ? 0n : available.eth, 18)} available, ${formatAmount(ethNeeded, 18)} needed`;
    }
    return null;
  }
}
