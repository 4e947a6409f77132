import { Command } from '@nestjs/cqrs';

export interface WatchResult {
  checked: number;
  settled: number;
  rebroadcast: number;
  replaced: number;
  dropped: number;
  /** settled payouts whose block became final this tick */
  finalized: number;
  /** settled payouts a reorg took back this tick (re-sent, settled again later) */
  reorged: number;
}

/**
 * One tick of the chain watcher over every unsettled payout: settle the ones mined with CONFIRMATIONS depth
 * on the canonical chain; re-send the stored raw tx the node does not know (never sent, dropped, reorged
 * out); replace the ones stuck for STUCK_AFTER_BLOCKS; give back to `pending` the claims of a payout whose
 * nonce was provably consumed by a foreign, final transaction; and watch settled payouts until final.
 */
export class SettlePayoutsCommand extends Command<WatchResult> {
  constructor(readonly actor: string) {
    super();
  }
}
