import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionReceipt } from 'ethers';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { ChainService } from '../../../platform/chain/chain.service';
import { crashIf } from '../../../platform/chain/crash-point';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { ClaimLifecycle } from '../../claims/claim-lifecycle.service';
import { Accounts, Posting, transfer } from '../../ledger/domain/accounts';
import { LedgerService } from '../../ledger/ledger.service';
import { PayoutJournals } from '../domain/journal-ids';
import { PayoutSettledEvent } from '../events/payout-settled.event';
import { PayoutEntity } from '../persistence/payout.entity';
import { MinedReceipt, PayoutsRepository } from '../persistence/payouts.repository';
import { WatchTick } from './watch-tick';

const PARALLEL = 25;

export interface SettleOutcome {
  settled: number;
  /** mined nonces (below the signer's mined count) with no receipt for any of our hashes: the drop concern's */
  unmatched: PayoutEntity[];
}

/**
 * Settle concern. Only payouts whose nonce the signer has consumed at head are asked about (a receipt
 * cannot exist for the others): one receipt question per hash, newest first, stopping at the first found.
 * A receipt found is remembered until its payout settles, so a payout waiting for CONFIRMATIONS depth
 * costs no further receipt question; at depth its block hash is checked (one getBlock per distinct block
 * per tick, shared through the tick) and a receipt whose block left the chain is forgotten and asked again.
 * Settlement is one commit: payout -> confirmed|reverted, claims -> completed, settlement and gas journals.
 */
@Injectable()
export class SettleWatch {
  private readonly logger = new Logger('ChainWatch');
  /** payout id -> a receipt of one of its hashes, seen in a block not yet deep enough */
  private readonly receipts = new Map<string, TransactionReceipt>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly ledger: LedgerService,
    private readonly events: EventBus,
  ) {}

  async run(mined: PayoutEntity[], tick: WatchTick): Promise<SettleOutcome> {
    const outcome: SettleOutcome = { settled: 0, unmatched: [] };
    for (let i = 0; i < mined.length; i += PARALLEL) {
      await Promise.all(
        mined.slice(i, i + PARALLEL).map(async (p) => {
          try {
            const receipt = await this.receiptOf(p);
            if (!receipt) {
              outcome.unmatched.push(p);
              return;
            }
            if (tick.head - receipt.blockNumber + 1 < this.config.confirmations) return; // deeper at a later head
            if ((await tick.blockHash(receipt.blockNumber)) !== receipt.blockHash) {
              this.receipts.delete(p.id); // reorged: asked again next tick
              return;
            }
            crashIf(this.config.crashAt, 'after-mined');
            if (await this.settle(p, receipt, tick.actor)) outcome.settled++;
            this.receipts.delete(p.id);
          } catch (err) {
            tick.failed();
            this.logger.warn(`settling payout ${p.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
          }
        }),
      );
    }
    return outcome;
  }

  /**
   * Keeps only the receipts of payouts still open and mined at this head: one settled or dropped (here or
   * by another process) is gone, and one whose nonce is no longer consumed was reorged out of its block.
   */
  retain(minedIds: Set<string>): void {
    for (const id of this.receipts.keys()) if (!minedIds.has(id)) this.receipts.delete(id);
  }

  private async receiptOf(p: PayoutEntity): Promise<TransactionReceipt | null> {
    const known = this.receipts.get(p.id);
    if (known) return known;
    // the newest hash (the latest replacement) is the likeliest to be mined
    for (const hash of [...p.txHashes].reverse()) {
      const r = await this.chain.provider.getTransactionReceipt(hash);
      if (r && r.blockNumber !== null) {
        this.receipts.set(p.id, r);
        return r;
      }
    }
    return null;
  }

  /**
   * Settles once per generation (a reorg may take a settlement back): payout -> confirmed, claims ->
   * completed, settlement and gas journals, all in one commit. A reverted payout books its gas; its claims
   * stay submitted (with the error) until the revert is final, then fail (FinalityWatch). A payout that
   * carries no claim (a token approve) books its gas only: there is no settlement journal to write.
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
        if (postings.length) await this.ledger.post(PayoutJournals.settle(p.id, p.reorgs), 'payout.settled', p.id, postings);
      } else if (p.claimIds.length) {
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
