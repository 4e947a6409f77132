import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionReceipt } from 'ethers';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { ChainService } from '../../../../platform/chain/chain.service';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { Accounts, Posting, transfer } from '../../../ledger/domain/accounts';
import { LedgerService } from '../../../ledger/ledger.service';
import { Broadcaster } from '../../broadcaster.service';
import { PayoutSettledEvent } from '../../events/payout-settled.event';
import { PayoutEntity } from '../../persistence/payout.entity';
import { MinedReceipt, PayoutsRepository } from '../../persistence/payouts.repository';
import { SettlePayoutsCommand, SettleResult } from './settle-payouts.command';

const BATCH = 200;
/** A payout with no successful broadcast this long after commit is re-sent from its stored raw tx. */
const UNSENT_AFTER_MS = 5000;

@CommandHandler(SettlePayoutsCommand)
export class SettlePayoutsHandler implements ICommandHandler<SettlePayoutsCommand> {
  private readonly logger = new Logger('Settle');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
    private readonly broadcaster: Broadcaster,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: SettlePayoutsCommand): Promise<SettleResult> {
    const open = await this.payouts.inFlight(BATCH);
    if (open.length === 0) return { checked: 0, settled: 0, rebroadcast: 0 };
    const head = await this.chain.provider.getBlockNumber();
    let settled = 0;
    let rebroadcast = 0;
    await Promise.all(
      open.map(async (p) => {
        const receipt = await this.minedReceipt(p);
        if (!receipt) {
          if (!p.broadcastAt && Date.now() - new Date(p.createdAt).getTime() > UNSENT_AFTER_MS) {
            await this.broadcaster.broadcast(p).catch(() => undefined); // error already recorded
            rebroadcast++;
          }
          return;
        }
        if (head - receipt.blockNumber + 1 < this.config.confirmations) return;
        if (await this.settle(p, receipt, cmd.actor)) settled++;
      }),
    );
    return { checked: open.length, settled, rebroadcast };
  }

  private async minedReceipt(p: PayoutEntity): Promise<TransactionReceipt | null> {
    for (const hash of p.txHashes) {
      const r = await this.chain.provider.getTransactionReceipt(hash);
      if (r && r.blockNumber !== null) return r;
    }
    return null;
  }

  /** Settles once: payout -> confirmed, claims -> completed, settlement and gas journals, all in one commit. */
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
        await this.ledger.post(`payout:${p.id}:settle`, 'payout.settled', p.id, postings);
      } else {
        await this.claims.void(p.claimIds, 'failed', actor, `transaction ${mined.hash} reverted on chain`);
      }
      const gas = mined.gasUsed * mined.effectiveGasPrice;
      await this.ledger.post(`payout:${p.id}:gas`, 'payout.gas', p.id, transfer(Accounts.gas(), Accounts.treasury('ETH'), 'ETH', gas));
      return true;
    });
    if (done) this.events.publish(new PayoutSettledEvent(p.id, p.claimIds, mined.success, mined.hash));
    return done;
  }
}
