import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ChainService } from '../../platform/chain/chain.service';
import { ChainHead } from '../../platform/chain/chain-head';
import { withLogContext } from '../../platform/logging/log-context';
import { withSpan } from '../../platform/tracing/tracing';
import { ClaimLifecycle } from '../claims/claim-lifecycle.service';
import { classifyBroadcastError, rpcErrorMessage } from './domain/rpc-errors';
import { PayoutEntity } from './persistence/payout.entity';
import { PayoutsRepository } from './persistence/payouts.repository';

export class BroadcastFailedError extends Error {}

/**
 * Sends a payout's STORED raw transaction. It never signs: re-sending the same bytes is always safe
 * (same nonce, same hash), so any number of retries or processes can call it.
 */
@Injectable()
export class Broadcaster {
  private readonly logger = new Logger('Broadcaster');

  constructor(
    private readonly chain: ChainService,
    private readonly chainHead: ChainHead,
    private readonly payouts: PayoutsRepository,
    private readonly claims: ClaimLifecycle,
    private readonly txHost: TransactionHost,
  ) {}

  async broadcast(payout: PayoutEntity): Promise<void> {
    const txHash = payout.txHashes[payout.txHashes.length - 1];
    const ids = { payoutId: payout.id, txHash, ...(payout.claimIds.length === 1 ? { claimId: payout.claimIds[0] } : {}) };
    const attrs = { 'payrail.payout_id': payout.id, 'payrail.tx_hash': txHash ?? '', 'payrail.nonce': Number(payout.nonce) };
    return withSpan('payout.broadcast', attrs, () => withLogContext(ids, () => this.send(payout)));
  }

  private async send(payout: PayoutEntity): Promise<void> {
    // the latest replacement is the last hash; its raw tx is the stored one
    try {
      // the bare JSON-RPC call: ethers' broadcastTransaction also asks the head (eth_blockNumber) for the response
      // object it builds, one more round trip per payout that nothing here reads (measured: 1.07 -> 0.04 per claim)
      await this.chain.provider.send('eth_sendRawTransaction', [payout.rawTx]);
      await this.payouts.recordBroadcast(payout.id, null, await this.head());
      return;
    } catch (err) {
      const outcome = classifyBroadcastError(err);
      if (outcome === 'already-known') {
        await this.payouts.recordBroadcast(payout.id, null, await this.head());
        return;
      }
      if (outcome === 'nonce-too-low' && (await this.anyHashMined(payout))) {
        // one of our transactions for this nonce is already in a block: the watcher settles it
        await this.payouts.recordBroadcast(payout.id, null, await this.head());
        return;
      }
      // nonce too low and none of ours mined: the watcher decides (with CONFIRMATIONS depth) whether the
      // nonce went to a foreign transaction; nothing is re-signed here.
      const message = `${outcome}: ${rpcErrorMessage(err)}`;
      this.logger.warn(`broadcast of payout ${payout.id} (nonce ${payout.nonce}) failed: ${message}`);
      await this.txHost.withTransaction(async () => {
        await this.payouts.recordBroadcast(payout.id, message);
        await this.claims.noteError(payout.claimIds, message);
      });
      throw new BroadcastFailedError(message);
    }
  }

  /** The head the broadcast happened at (shared per block by every sender: ChainHead), for stuck detection. */
  private head(): Promise<number | null> {
    return this.chainHead.block().catch(() => null);
  }

  private async anyHashMined(payout: PayoutEntity): Promise<boolean> {
    for (const hash of payout.txHashes) {
      if (await this.chain.provider.getTransactionReceipt(hash)) return true;
    }
    return false;
  }
}
