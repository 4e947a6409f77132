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
 * One tick of the chain watcher over every unsettled payout, one concern per class (watch/): settle the
 * ones mined with CONFIRMATIONS depth on the canonical chain; re-send the stored raw tx of the ones never
 * sent or forgotten by the node; replace a signer's next payout to mine once stuck for STUCK_AFTER_BLOCKS;
 * give back to `pending` the claims of a payout whose nonce was provably consumed by a foreign, final
 * transaction; book treasury funding; and watch settled payouts until final.
 */
export class SettlePayoutsCommand extends Command<WatchResult> {
  constructor(readonly actor: string) {
    super();
  }
}
