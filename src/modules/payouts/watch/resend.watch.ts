import { Injectable, Logger } from '@nestjs/common';
import { ChainService } from '../../../platform/chain/chain.service';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { BroadcastFailedError, Broadcaster } from '../broadcaster.service';
import { PayoutEntity } from '../persistence/payout.entity';
import { SignerView, WatchTick } from './watch-tick';

/** A payout whose broadcast never succeeded is re-sent this long after it was stored (before, its worker is on it). */
export const UNSENT_AFTER_MS = 3000;
/** Blocks the next payout to mine may wait after its last broadcast before the node is asked whether it still has it. */
export const FORGOTTEN_AFTER_BLOCKS = 2;

/** Stored, never broadcast, and young: the worker that stored it is still sending it. */
export function unsentRecently(p: PayoutEntity, now = Date.now()): boolean {
  return !p.broadcastAt && now - new Date(p.createdAt).getTime() < UNSENT_AFTER_MS;
}

/** Stored, never broadcast, and old enough that its worker has given up or died: the watcher sends it. */
export function unsentDue(p: PayoutEntity, now = Date.now()): boolean {
  return !p.broadcastAt && !unsentRecently(p, now);
}

export interface ResendOutcome {
  rebroadcast: number;
  /**
   * Whether the node still knows the signer's next payout to mine, when that was asked this tick (null:
   * not asked). Only a payout the node has can be stuck on its fee: the replace concern waits for a yes.
   */
  nextKnown: boolean | null;
}

/**
 * Re-send concern, over one signer's payouts not mined at head. It re-sends STORED bytes only (same
 * nonce, same hash: always safe), never re-signs:
 * - a payout never broadcast, older than UNSENT_AFTER_MS;
 * - when the signer's next payout to mine has waited FORGOTTEN_AFTER_BLOCKS since its last broadcast,
 *   the node is asked (one question per hash of that payout only) whether it knows it; if not, that
 *   payout and every higher one of the signer are re-sent in nonce order: a node that forgot one (a
 *   restart, a pool eviction, a reorg) forgot those queued behind it too, and none of them can be mined
 *   before it anyway. A payout the node has is left alone: one per signer per block is the whole cost.
 */
@Injectable()
export class ResendWatch {
  private readonly logger = new Logger('ChainWatch');

  constructor(
    private readonly chain: ChainService,
    private readonly broadcaster: Broadcaster,
  ) {}

  /** Same head as the last tick: only the payouts that never went out are due (nothing else changed). */
  async unsent(unmined: PayoutEntity[], tick: WatchTick): Promise<number> {
    return this.send(unmined.filter((p) => unsentDue(p)), tick);
  }

  async run(view: SignerView, tick: WatchTick): Promise<ResendOutcome> {
    const next = view.unmined[0];
    let nextKnown: boolean | null = null;
    if (next && next.broadcastAt && (next.lastBroadcastBlock === null || tick.head - next.lastBroadcastBlock >= FORGOTTEN_AFTER_BLOCKS)) {
      try {
        nextKnown = await this.anyKnownToNode(next);
      } catch (err) {
        tick.failed();
        this.logger.warn(`asking the node for payout ${next.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
      }
    }
    if (nextKnown === false) {
      this.logger.warn(
        `payout ${next!.id} (nonce ${next!.nonce}) unknown to the node ${tick.head - (next!.lastBroadcastBlock ?? tick.head)} block(s) after its broadcast: ` +
          `re-sending it and the ${view.unmined.length - 1} payout(s) above it`,
      );
      return { rebroadcast: await this.send(view.unmined, tick), nextKnown };
    }
    return { rebroadcast: await this.unsent(view.unmined, tick), nextKnown };
  }

  /** Stored bytes, lowest nonce first; a failure is recorded on the payout and the rest still go out. */
  private async send(payouts: PayoutEntity[], tick: WatchTick): Promise<number> {
    let sent = 0;
    for (const p of payouts) {
      await this.broadcaster.broadcast(p).catch((err: unknown) => {
        // a refusal is recorded on the payout (and waits for the next block); anything else is retried next tick
        if (!(err instanceof BroadcastFailedError)) tick.failed();
      });
      sent++;
    }
    return sent;
  }

  private async anyKnownToNode(p: PayoutEntity): Promise<boolean> {
    for (const hash of [...p.txHashes].reverse()) if (await this.chain.provider.getTransaction(hash)) return true;
    return false;
  }
}
