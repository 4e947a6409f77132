import { Injectable } from '@nestjs/common';
import { ChainService } from '../../platform/chain/chain.service';
import { formatAmount } from '../claims/domain/money';
import { PayoutsRepository } from './persistence/payouts.repository';

/**
 * Will the treasury still cover this transfer once everything already signed is paid? Available =
 * on-chain balance minus every unsettled payout's commitment (conservative: a mined but not yet settled
 * payout is counted twice, which can only make a claim wait, never make a transfer revert). Call it
 * inside the signing transaction, after the nonce is allocated: the signer row lock serialises it.
 */
@Injectable()
export class FundsGuard {
  constructor(
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
  ) {}

  /** Null when covered, else the reason (for health and the claim's lastError). */
  async shortfall(token: string, amount: bigint, value: bigint, maxGasCost: bigint): Promise<string | null> {
    const signer = this.chain.treasury.address;
    const committed = await this.payouts.inFlightCommitments(signer, this.chain.chainId);
    const ethCommitted = committed.reduce((s, c) => s + BigInt(c.ethBudget), 0n);
    if (token !== 'ETH') {
      const decimals = this.chain.token(token)!.decimals;
      const tokenCommitted = BigInt(committed.find((c) => c.token === token)?.amount ?? '0');
      const available = (await this.chain.balanceOf(token, signer)) - tokenCommitted;
      if (available < amount) {
        return `insufficient ${token}: ${formatAmount(available < 0n ? 0n : available, decimals)} available, ${formatAmount(amount, decimals)} needed`;
      }
    }
    const ethAvailable = (await this.chain.balanceOf('ETH', signer)) - ethCommitted;
    const ethNeeded = value + maxGasCost;
    if (ethAvailable < ethNeeded) {
      return `insufficient ETH for ${token === 'ETH' ? 'value and gas' : 'gas'}: ${formatAmount(ethAvailable < 0n ? 0n : ethAvailable, 18)} available, ${formatAmount(ethNeeded, 18)} needed`;
    }
    return null;
  }
}
