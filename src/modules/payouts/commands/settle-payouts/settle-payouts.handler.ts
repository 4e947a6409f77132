import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionReceipt } from 'ethers';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { ChainService } from '../../../../platform/chain/chain.service';
import { crashIf } from '../../../../platform/chain/crash-point';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { Accounts, Posting, transfer } from '../../../ledger/domain/accounts';
import { LedgerService } from '../../../ledger/ledger.service';
import { Broadcaster } from '../../broadcaster.service';
import { PayoutSettledEvent } from '../../events/payout-settled.event';
import { PaymentQueue } from '../../jobs/payment-queue';
import { PayoutEntity } from '../../persistence/payout.entity';
import { MinedReceipt, PayoutsRepository } from '../../persistence/payouts.repository';
import { Replacer } from '../../replacer.service';
import { FundingSync } from '../../funding-sync.service';
import { PayoutJournals } from '../../domain/journal-ids';
import { FinalityWatch } from '../../watch/finality.watch';
import { SettlePayoutsCommand, WatchResult } from './settle-payouts.command';
import { redactRpcUrl } from '../../../../platform/chain/rpc-url';

const BATCH = 500;
const PARALLEL = 25;
/** A payout whose broadcast never succeeded is re-sent this long after it was stored. */
const UNSENT_AFTER_MS = 3000;
/** How often a process looks for treasury top-ups on chain. */
const FUNDING_SYNC_MS = 3000;

@CommandHandler(SettlePayoutsCommand)
export class SettlePayoutsHandler implements ICommandHandler<SettlePayoutsCommand> {
  private readonly logger = new Logger('ChainWatch');
  private lastFundingSync = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
    private readonly broadcaster: Broadcaster,
    private readonly replacer: Replacer,
    private readonly funding: FundingSync,
    private readonly events: EventBus,
    private readonly payments: PaymentQueue,
    private readonly finality: FinalityWatch,
  ) {}

  async execute(cmd: SettlePayoutsCommand): Promise<WatchResult> {
    const result: WatchResult = { checked: 0, settled: 0, rebroadcast: 0, replaced: 0, dropped: 0, finalized: 0, reorged: 0 };
    // funding is booked at a final block whether or not payouts are open (FundingSync); errors wait for the next tick
    if (Date.now() - this.lastFundingSync > FUNDING_SYNC_MS) {
      this.lastFundingSync = Date.now();
      await this.funding.sync().catch((err: Error) => this.logger.warn(`funding sync failed (next tick retries): ${err.message}`));
    }
    const [open, settled] = await Promise.all([this.payouts.inFlight(this.chain.chainId, BATCH), this.finality.awaiting()]);
    if (open.length === 0 && settled.length === 0) return result;
    // head first: anything mined at or below it is visible to the receipt queries that follow
    const head = await this.chain.provider.getBlockNumber();
    const finalized = await this.finality.finalizedBlock(head);
    result.checked = open.length;
    const minedNonce = new Map<string, Promise<number>>();
    const finalNonce = new Map<string, Promise<number>>();
    const nextToMine = (signer: string) => {
      if (!minedNonce.has(signer)) minedNonce.set(signer, this.chain.provider.getTransactionCount(signer, 'latest'));
      return minedNonce.get(signer)!;
    };
    // nonces consumed by final transactions: only those may be re-issued (API.md "Finality")
    const nonceAtFinal = (signer: string) => {
      if (!finalNonce.has(signer)) finalNonce.set(signer, finalized < 0 ? Promise.resolve(0) : this.chain.provider.getTransactionCount(signer, finalized));
      return finalNonce.get(signer)!;
    };
    for (let i = 0; i < open.length; i += PARALLEL) {
      await Promise.all(
        open.slice(i, i + PARALLEL).map(async (p) => {
          try {
            const outcome = await this.watch(p, head, nonceAtFinal, nextToMine, cmd.actor);
            if (outcome) result[outcome]++;
          } catch (err) {
            this.logger.warn(`watching payout ${p.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
          }
        }),
      );
    }
    Object.assign(result, await this.finality.watch(settled, head, finalized, cmd.actor));
    return result;
  }

  private async watch(
    p: PayoutEntity,
    head: number,
    nonceAtFinal: (signer: string) => Promise<number>,
    nextToMine: (signer: string) => Promise<number>,
    actor: string,
  ): Promise<'settled' | 'rebroadcast' | 'replaced' | 'dropped' | null> {
    const receipt = await this.minedReceipt(p);
    if (receipt) {
      if (head - receipt.blockNumber + 1 < this.config.confirmations) return null;
      const block = await this.chain.provider.getBlock(receipt.blockNumber);
      if (!block || block.hash !== receipt.blockHash) return null; // reorged: look again next tick
      crashIf(this.config.crashAt, 'after-mined');
      return (await this.settle(p, receipt, actor)) ? 'settled' : null;
    }
    if (!p.broadcastAt && Date.now() - new Date(p.createdAt).getTime() < UNSENT_AFTER_MS) return null; // its worker is on it
    // No receipt for any of our hashes; if the nonce is nevertheless consumed by a FINAL transaction, and a
    // second, independent question (the transactions themselves) agrees, none of ours can ever be mined.
    // A nonce consumed only at head (a reorg may still take that back) is never enough to re-issue a payment.
    if ((await nonceAtFinal(p.signer)) > Number(p.nonce)) {
      if (await this.anyMinedByLookup(p)) return null;
      return (await this.drop(p, actor)) ? 'dropped' : null;
    }
    if (!(await this.anyKnownToNode(p))) {
      await this.broadcaster.broadcast(p).catch(() => undefined); // error recorded on the payout
      return 'rebroadcast';
    }
    // Only the signer's next nonce to mine can be stuck on its own fee; higher nonces wait behind it, and
    // replacing them would buy nothing. The Replacer re-signs with the payout's own key, never another one.
    if (
      p.lastBroadcastBlock !== null &&
      head - p.lastBroadcastBlock >= this.config.stuckAfterBlocks &&
      Number(p.nonce) === (await nextToMine(p.signer))
    ) {
      return (await this.replacer.replace(p, head, actor)) ? 'replaced' : null;
    }
    return null;
  }

  private async minedReceipt(p: PayoutEntity): Promise<TransactionReceipt | null> {
    for (const hash of p.txHashes) {
      const r = await this.chain.provider.getTransactionReceipt(hash);
      if (r && r.blockNumber !== null) return r;
    }
    return null;
  }

  /** Any of our hashes in a block, asked through eth_getTransactionByHash (not the receipt). */
  private async anyMinedByLookup(p: PayoutEntity): Promise<boolean> {
    for (const hash of p.txHashes) {
      const tx = await this.chain.provider.getTransaction(hash);
      if (tx && tx.blockNumber !== null) return true;
    }
    return false;
  }

  private async anyKnownToNode(p: PayoutEntity): Promise<boolean> {
    for (const hash of p.txHashes) if (await this.chain.provider.getTransaction(hash)) return true;
    return false;
  }

  /**
   * None of our hashes is mined and the nonce is consumed by a final transaction: it went to a foreign
   * transaction, so this payout can never be mined. Its claims go back to pending for a new payout.
   */
  private async drop(p: PayoutEntity, actor: string): Promise<boolean> {
    const reason = `nonce ${p.nonce} consumed by a transaction that is not ours; none of ${p.txHashes.length} hash(es) mined`;
    // an admin requeue's cancelling self-transfer is ours: its gas is booked like a payout's
    const cancel = p.cancelTxHash ? await this.chain.provider.getTransactionReceipt(p.cancelTxHash) : null;
    const requeued = await this.txHost.withTransaction(async () => {
      if (!(await this.payouts.drop(p.id, reason))) return [];
      if (cancel) {
        const gas = cancel.gasUsed * cancel.gasPrice;
        await this.ledger.post(PayoutJournals.cancelGas(p.id), 'payout.cancel-gas', p.id, transfer(Accounts.gas(), Accounts.treasury('ETH'), 'ETH', gas));
      }
      return this.claims.requeueFromPayout(p.id, actor, reason);
    });
    for (const claimId of requeued) {
      await this.payments.reissue(claimId).catch(() => undefined); // clears its dead letter and old job; the sweeper retries a lost enqueue
    }
    if (requeued.length) this.logger.warn(`payout ${p.id}: ${reason}; ${requeued.length} claim(s) back to pending`);
    return requeued.length > 0;
  }

  /**
   * Settles once per generation (a reorg may take a settlement back): payout -> confirmed, claims ->
   * completed, settlement and gas journals, all in one commit. A reverted payout books its gas; its claims
   * stay submitted (with the error) until the revert is final, then fail (FinalityWatch).
   */
  private async settle(p: PayoutEntity, r: TransactionReceipt, actor: string): Promise<boolean> {
    const mined: MinedReceipt = {
      hash: r.hash,
      blockNumber: r.blockNumber,
      blockHash: r.blockHash,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.gasPrice,
      success: r.status === 1,
    };
    const done = await this.txHost.withTransaction(async () => {
      if (!(await this.payouts.settle(p.id, mined))) return false;
      const detail = { blockNumber: mined.blockNumber, payoutId: p.id };
      if (mined.success) {
        const completed = await this.claims.complete(p.id, mined.hash, actor, detail);
        const postings: Posting[] = completed.flatMap((c) =>
          transfer(Accounts.payable(c.wallet, c.token), Accounts.treasury(c.token), c.token, BigInt(c.amountBase)),
        );
        await this.ledger.post(PayoutJournals.settle(p.id, p.reorgs), 'payout.settled', p.id, postings);
      } else {
        const error = `transaction ${mined.hash} reverted on chain (block ${mined.blockNumber}); the claims fail once that is final`;
        await this.claims.noteError(p.claimIds, error);
        await this.claims.recordEvent(p.claimIds, 'submitted', actor, { event: 'reverted', ...detail, txHash: mined.hash });
      }
      const gas = mined.gasUsed * mined.effectiveGasPrice;
      await this.ledger.post(PayoutJournals.gas(p.id, p.reorgs), 'payout.gas', p.id, transfer(Accounts.gas(), Accounts.treasury('ETH'), 'ETH', gas));
      return true;
    });
    if (done) this.events.publish(new PayoutSettledEvent(p.id, p.claimIds, mined.success, mined.hash));
    return done;
  }
}
