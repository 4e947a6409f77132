import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ChainService } from '../../platform/chain/chain.service';
import { METRIC } from '../../platform/metrics/metrics';
import { ClaimLifecycle } from '../claims/claim-lifecycle.service';
import { Broadcaster } from './broadcaster.service';
import { PayoutEntity } from './persistence/payout.entity';
import { PayoutsRepository } from './persistence/payouts.repository';
import { PayoutSigner } from './lanes/payout-signer';

/** +12.5% and 1 wei: above geth's 10% replacement rule and Hardhat's. */
export function bump(x: bigint): bigint {
  return x + x / 8n + 1n;
}

/**
 * Replaces a stuck transaction (ARCHITECTURE §1.5): SAME nonce, same transfer, fees bumped by at least
 * 12.5% and capped by MAX_FEE_GWEI. The new raw tx is stored (its hash appended to tx_hashes) before it is
 * broadcast; whichever of the payout's hashes is mined settles it, so the claim is paid once whatever wins.
 */
@Injectable()
export class Replacer {
  private readonly logger = new Logger('Replacer');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly broadcaster: Broadcaster,
    private readonly signer: PayoutSigner,
    private readonly txHost: TransactionHost,
    @InjectMetric(METRIC.txReplacements) private readonly replacements: Counter<string>,
  ) {}

  /**
   * Returns true when a replacement was stored and sent. Signed with the key of the payout's own signer
   * (a retired key after a rotation); when that key is not loaded the payout is never re-signed.
   */
  async replace(p: PayoutEntity, head: number, actor: string): Promise<boolean> {
    if (!this.signer.canSign(p.signer)) return false; // orphaned: its stored bytes are re-sent, never re-signed
    const fees = await this.chain.provider.getFeeData();
    const cap = BigInt(this.config.maxFeeGwei) * 1_000_000_000n;
    const oldPriority = BigInt(p.maxPriorityFeePerGas);
    const oldMax = BigInt(p.maxFeePerGas);
    let priority = bump(oldPriority);
    if (fees.maxPriorityFeePerGas && fees.maxPriorityFeePerGas > priority) priority = fees.maxPriorityFeePerGas;
    let maxFee = bump(oldMax);
    if (fees.maxFeePerGas && fees.maxFeePerGas > maxFee) maxFee = fees.maxFeePerGas;
    if (maxFee > cap) maxFee = cap;
    if (maxFee < bump(oldMax)) {
      await this.payouts.recordBroadcast(p.id, `stuck: replacement would exceed MAX_FEE_GWEI=${this.config.maxFeeGwei}; waiting`);
      return false;
    }
    if (priority > maxFee) priority = maxFee;

    const { rawTx, txHash } = await this.signer.sign(p.signer, {
      nonce: Number(p.nonce),
      to: p.toAddress,
      value: BigInt(p.value),
      data: p.data,
      gasLimit: BigInt(p.gasLimit),
      maxFeePerGas: maxFee,
      maxPriorityFeePerGas: priority,
    });
    const stored = await this.txHost.withTransaction(async () => {
      const ok = await this.payouts.replace(p.id, p.rawTx, { rawTx, txHash, maxFeePerGas: maxFee, maxPriorityFeePerGas: priority, block: head });
      if (ok) {
        await this.claims.recordEvent(p.claimIds, 'submitted', actor, {
          replaced: p.txHashes[p.txHashes.length - 1],
          by: txHash,
          nonce: Number(p.nonce),
          maxFeePerGas: maxFee.toString(),
        });
      }
      return ok;
    });
    if (!stored) return false; // someone else replaced it first
    this.replacements.inc({ token: p.token });
    this.logger.warn(`payout ${p.id} nonce ${p.nonce} stuck since block ${p.lastBroadcastBlock}: replaced by ${txHash}`);
    const updated = await this.payouts.findById(p.id);
    if (updated) await this.broadcaster.broadcast(updated).catch(() => undefined); // error recorded; next tick retries
    return true;
  }
}
