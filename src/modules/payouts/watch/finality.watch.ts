import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { ChainService } from '../../../platform/chain/chain.service';
import { ClaimLifecycle } from '../../claims/claim-lifecycle.service';
import { LedgerService } from '../../ledger/ledger.service';
import { Broadcaster } from '../broadcaster.service';
import { PayoutJournals } from '../domain/journal-ids';
import { finalizedBlock } from '../domain/payout-status';
import { PayoutEntity } from '../persistence/payout.entity';
import { PayoutsRepository } from '../persistence/payouts.repository';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { decodeBatchRevert, describeRevertData, revertDataOf } from '../../../platform/chain/batch-payout';
import { PaymentQueue } from '../jobs/payment-queue';

const BATCH = 2000;
const PARALLEL = 25;

export interface FinalityResult {
  finalized: number;
  reorged: number;
}

/**
 * Settled payouts stay watched until final (API.md "Finality"). Per tick, one block-hash question per
 * distinct block (not per payout): a payout whose block is still canonical and at or below the final block
 * becomes final (a reverted one's claims fail only then); one whose block is gone, and whose mined
 * transaction is not in that block any more (a second, independent question), is unsettled: back to
 * submitted, its settlement reversed by new journals, its claims back to submitted with a `reorged` event,
 * and its stored transaction re-sent (never re-signed). The in-flight watch then settles it again.
 */
@Injectable()
export class FinalityWatch {
  private readonly logger = new Logger('Finality');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly ledger: LedgerService,
    private readonly broadcaster: Broadcaster,
    private readonly payments: PaymentQueue,
  ) {}

  /** The last final block at `head`: FINALITY_DEPTH, else the RPC's `finalized` tag, else 64 blocks. */
  async finalizedBlock(head: number): Promise<number> {
    let rpcFinalized: number | null = null;
    if (this.config.finalityDepth === null) {
      rpcFinalized = await this.chain.provider
        .getBlock('finalized')
        .then((b) => b?.number ?? null)
        .catch(() => null); // not every chain or node knows the tag
    }
    return finalizedBlock(head, this.config.confirmations, this.config.finalityDepth, rpcFinalized);
  }

  awaiting(): Promise<PayoutEntity[]> {
    return this.payouts.awaitingFinality(this.chain.chainId, BATCH);
  }

  async watch(settled: PayoutEntity[], head: number, finalized: number, actor: string): Promise<FinalityResult> {
    const result: FinalityResult = { finalized: 0, reorged: 0 };
    const hashes = new Map<number, Promise<string | null>>();
    const hashAt = (n: number) => {
      if (!hashes.has(n)) hashes.set(n, n > head ? Promise.resolve(null) : this.chain.provider.getBlock(n).then((b) => b?.hash ?? null));
      return hashes.get(n)!;
    };
    for (let i = 0; i < settled.length; i += PARALLEL) {
      await Promise.all(
        settled.slice(i, i + PARALLEL).map(async (p) => {
          try {
            const n = Number(p.blockNumber);
            if ((await hashAt(n)) === p.blockHash) {
              if (n <= finalized && (await this.finalize(p, actor))) result.finalized++;
              return;
            }
            // its block is not canonical any more; ask again by the transaction itself before acting
            const receipt = await this.chain.provider.getTransactionReceipt(p.minedTxHash!);
            if (receipt && receipt.blockHash === p.blockHash) return; // the two answers disagree: next tick
            if (await this.unsettle(p, actor)) result.reorged++;
          } catch (err) {
            this.logger.warn(`finality check of payout ${p.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
          }
        }),
      );
    }
    return result;
  }

  private async finalize(p: PayoutEntity, actor: string): Promise<boolean> {
    // why it reverted, asked before the transaction (no RPC under a lock): a replay of the call on the state
    // at the end of its block (a reverted call changed nothing, and the lane's approval often shares the
    // block: the state before it would blame the allowance); best effort, null when the replay passes
    const revert = p.status === 'reverted' && p.claimIds.length > 0 ? await this.replayRevert(p) : null;
    const requeued: string[] = [];
    const done = await this.txHost.withTransaction(async () => {
      if (!(await this.payouts.finalize(p.id, p.blockHash!))) return false;
      if (p.status !== 'reverted' || p.claimIds.length === 0) return true;
      // failed is terminal, so a revert counts only once it is final
      const base = `transaction ${p.minedTxHash} reverted on chain (final at block ${p.blockNumber})`;
      if (p.kind !== 'batch' || p.claimIds.length === 1) {
        await this.claims.void(p.claimIds, 'failed', actor, revert ? `${base}: ${revert.reason}` : base);
        return true;
      }
      // a batch: only the claim that made it revert fails; the others go out again (API.md "Signer lanes")
      const line = revert?.kind === 'line' && revert.index < p.claimIds.length ? revert.index : null;
      if (line !== null) {
        const culprit = p.claimIds[line]!;
        await this.claims.void([culprit], 'failed', actor, `${base}: line ${line} (this claim) failed: ${revert!.reason}`);
        requeued.push(...(await this.claims.requeueFromPayout(p.id, actor, `${base}: claim ${culprit} (line ${line}) made the batch revert; paid again without it`)));
      } else {
        // no line named (the replay passed, or the pull of the total failed): halve, until the culprit is alone
        const half = Math.ceil(p.claimIds.length / 2);
        const why = revert ? `${base}: ${revert.reason}` : `${base}: the replay names no line`;
        requeued.push(...(await this.claims.splitFromPayout(p.id, actor, `${why}; sent again in batches of at most ${half}`, half)));
      }
      return true;
    });
    for (const claimId of requeued) await this.payments.reissue(claimId).catch(() => undefined); // the sweeper retries a lost enqueue
    if (requeued.length) this.logger.warn(`batch payout ${p.id} reverted for good; ${requeued.length} claim(s) go out again`);
    return done;
  }

  /** The revert of a mined payout, replayed with eth_call on the state its block left; null if the replay passes. */
  private async replayRevert(p: PayoutEntity): Promise<{ kind: 'line' | 'pull' | 'batch' | 'plain'; index: number; reason: string } | null> {
    try {
      await this.chain.provider.call({
        from: p.signer,
        to: p.toAddress,
        data: p.data,
        value: BigInt(p.value),
        gasLimit: BigInt(p.gasLimit),
        blockTag: Number(p.blockNumber),
      });
      return null;
    } catch (err) {
      const data = revertDataOf(err);
      const batch = p.kind === 'batch' ? decodeBatchRevert(data) : null;
      if (batch?.kind === 'line') return { kind: 'line', index: batch.index, reason: batch.reason };
      if (batch) return { kind: batch.kind, index: -1, reason: batch.reason };
      if (data === null) return null; // not a revert (the RPC failed): no reason known
      return { kind: 'plain', index: -1, reason: describeRevertData(data) };
    }
  }

  private async unsettle(p: PayoutEntity, actor: string): Promise<boolean> {
    const reason = `reorg: block ${p.blockNumber} (${p.blockHash}) holding ${p.minedTxHash} left the canonical chain before it was final`;
    const taken = await this.txHost.withTransaction(async () => {
      const generation = await this.payouts.unsettle(p.id, p.blockHash!, reason);
      if (generation === null) return false;
      await this.ledger.reverse(
        [PayoutJournals.settle(p.id, generation), PayoutJournals.gas(p.id, generation)],
        PayoutJournals.reorg(p.id, generation),
        'payout.reorged',
        p.id,
      );
      await this.claims.reorg(p.id, actor, { txHash: p.minedTxHash, blockNumber: Number(p.blockNumber), blockHash: p.blockHash });
      return true;
    });
    if (!taken) return false;
    this.logger.warn(`payout ${p.id}: ${reason}; settlement reversed, stored transaction re-sent`);
    const updated = await this.payouts.findById(p.id);
    if (updated) await this.broadcaster.broadcast(updated).catch(() => undefined); // recorded; the in-flight watch retries
    return true;
  }
}
