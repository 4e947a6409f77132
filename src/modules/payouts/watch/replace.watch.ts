import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { Replacer } from '../replacer.service';
import { ResendOutcome } from './resend.watch';
import { SignerView, WatchTick } from './watch-tick';

/**
 * Replace concern. Only the signer's next nonce to mine (nonce == its mined count) can be stuck on its own
 * fee; higher nonces wait behind it, and replacing them would buy nothing. It is replaced once it has
 * waited STUCK_AFTER_BLOCKS since its last broadcast and the node confirmed this tick that it has it (one
 * the node forgot is re-sent instead, by the re-send concern). The Replacer re-signs with the payout's own
 * key, never another one, and stores the new bytes before it sends them.
 */
@Injectable()
export class ReplaceWatch {
  private readonly logger = new Logger('ChainWatch');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly replacer: Replacer,
  ) {}

  async run(view: SignerView, resend: ResendOutcome, tick: WatchTick): Promise<boolean> {
    const next = view.unmined[0];
    if (!next || Number(next.nonce) !== view.minedCount || resend.nextKnown !== true) return false;
    if (next.lastBroadcastBlock === null || tick.head - next.lastBroadcastBlock < this.config.stuckAfterBlocks) return false;
    try {
      return await this.replacer.replace(next, tick.head, tick.actor);
    } catch (err) {
      tick.failed();
      this.logger.warn(`replacing payout ${next.id} failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
      return false;
    }
  }
}
