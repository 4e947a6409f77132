import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ChainService } from '../../../platform/chain/chain.service';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { ClaimLifecycle } from '../../claims/claim-lifecycle.service';
import { Accounts, transfer } from '../../ledger/domain/accounts';
import { LedgerService } from '../../ledger/ledger.service';
import { PayoutJournals } from '../domain/journal-ids';
import { PaymentQueue } from '../jobs/payment-queue';
import { PayoutEntity } from '../persistence/payout.entity';
import { PayoutsRepository } from '../persistence/payouts.repository';
import { unsentRecently } from './resend.watch';
import { WatchTick } from './watch-tick';

/**
 * Drop concern, over one signer's payouts whose nonce is consumed at head and for none of whose hashes a
 * receipt exists. Re-issuing a payment needs proof (API.md "Finality"): the nonce consumed at the FINAL
 * block (one getTransactionCount per signer, asked only when such a payout exists), and a second,
 * independent question (the transactions themselves, by hash) agreeing that none of ours is in a block. A
 * nonce consumed only at head (a reorg may still take that back) is never enough. Then the payout is
 * dropped and its claims go back to pending for a new payout.
 */
@Injectable()
export class DropWatch {
  private readonly logger = new Logger('ChainWatch');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly ledger: LedgerService,
    private readonly payments: PaymentQueue,
  ) {}

  async run(signer: string, unmatched: PayoutEntity[], tick: WatchTick): Promise<number> {
    const candidates = unmatched.filter((p) => !unsentRecently(p)); // its worker is on it
    if (candidates.length === 0) return 0;
    let dropped = 0;
    try {
      const finalNonce = await tick.nonceAtFinal(signer);
      for (const p of candidates) {
        if (finalNonce <= Number(p.nonce)) continue; // consumed at head only: wait for finality
        try {
          if (await this.anyMinedByLookup(p)) continue; // the receipt answer and this one disagree: next tick
          if (await this.drop(p, tick.actor)) dropped++;
        } catch (err) {
          tick.failed();
          this.logger.warn(`drop check of payout ${p.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
        }
      }
    } catch (err) {
      tick.failed();
      this.logger.warn(`final nonce of ${signer} unavailable (next tick retries): ${redactRpcUrl((err as Error).message)}`);
    }
    return dropped;
  }

  /** Any of our hashes in a block, asked through eth_getTransactionByHash (not the receipt). */
  private async anyMinedByLookup(p: PayoutEntity): Promise<boolean> {
    for (const hash of p.txHashes) {
      const tx = await this.chain.provider.getTransaction(hash);
      if (tx && tx.blockNumber !== null) return true;
    }
    return false;
  }

  /**
   * None of our hashes is mined and the nonce is consumed by a final transaction: it went to a foreign
   * transaction, so this payout can never be mined. Its claims (if it carries any) go back to pending.
   */
  private async drop(p: PayoutEntity, actor: string): Promise<boolean> {
    const reason = `nonce ${p.nonce} consumed by a transaction that is not ours; none of ${p.txHashes.length} hash(es) mined`;
    // an admin requeue's cancelling self-transfer is ours: its gas is booked like a payout's
    const cancel = p.cancelTxHash ? await this.chain.provider.getTransactionReceipt(p.cancelTxHash) : null;
    const outcome = await this.txHost.withTransaction(async () => {
      if (!(await this.payouts.drop(p.id, reason))) return null;
      if (cancel) {
        const gas = cancel.gasUsed * cancel.gasPrice;
        await this.ledger.post(PayoutJournals.cancelGas(p.id), 'payout.cancel-gas', p.id, transfer(Accounts.gas(), Accounts.treasury('ETH'), 'ETH', gas));
      }
      return this.claims.requeueFromPayout(p.id, actor, reason);
    });
    if (outcome === null) return false; // another process dropped or settled it first
    for (const claimId of outcome) {
      await this.payments.reissue(claimId).catch(() => undefined); // clears its dead letter and old job; the sweeper retries a lost enqueue
    }
    this.logger.warn(`payout ${p.id}: ${reason}; ${outcome.length} claim(s) back to pending`);
    return true;
  }
}
