import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { redactRpcUrl } from '../../../../platform/chain/rpc-url';
import { PayoutEntity } from '../../persistence/payout.entity';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { DropWatch } from '../../watch/drop.watch';
import { FinalityWatch } from '../../watch/finality.watch';
import { FundingWatch } from '../../watch/funding.watch';
import { ReplaceWatch } from '../../watch/replace.watch';
import { ResendWatch } from '../../watch/resend.watch';
import { SettleWatch } from '../../watch/settle.watch';
import { splitByMinedCount, WatchTick } from '../../watch/watch-tick';
import { SettlePayoutsCommand, WatchResult } from './settle-payouts.command';

const BATCH = 500;
/**
 * Even at an unchanged head every concern runs at least this often: a reorg back to the same height, or
 * a tick that ended early on an error another process fixed, are then seen without waiting for a block.
 */
const FULL_TICK_AT_LEAST_MS = 10_000;

interface LastTick {
  head: number;
  at: number;
  /** signer -> getTransactionCount(signer, head) at that head */
  minedCounts: Map<string, number>;
}

/**
 * The chain watcher's tick: orchestrates one small class per concern (watch/), per block rather than per
 * payout. The chain is read once per tick (the head), once per signer with open payouts (its mined nonce
 * count at that head), and then only where an answer can change something: receipts only for payouts
 * whose nonce is consumed (newest hash first), a block hash once per distinct block, the node's pool only
 * for a signer's next payout to mine, the final nonce only for a payout that may have been dropped. A
 * tick at the head of the last complete tick does no chain work but the re-send of payouts that never
 * went out (nothing else can have changed).
 */
@CommandHandler(SettlePayoutsCommand)
export class SettlePayoutsHandler implements ICommandHandler<SettlePayoutsCommand> {
  private readonly logger = new Logger('ChainWatch');
  private last: LastTick | null = null;

  constructor(
    private readonly chain: ChainService,
    private readonly payouts: PayoutsRepository,
    private readonly funding: FundingWatch,
    private readonly settle: SettleWatch,
    private readonly drop: DropWatch,
    private readonly resend: ResendWatch,
    private readonly replace: ReplaceWatch,
    private readonly finality: FinalityWatch,
  ) {}

  async execute(cmd: SettlePayoutsCommand): Promise<WatchResult> {
    const result: WatchResult = { checked: 0, settled: 0, rebroadcast: 0, replaced: 0, dropped: 0, finalized: 0, reorged: 0 };
    await this.funding.run();
    const [open, settled] = await Promise.all([this.payouts.inFlight(this.chain.chainId, BATCH), this.finality.awaiting()]);
    if (open.length === 0 && settled.length === 0) return result;
    // head first: anything mined at or below it is visible to the questions that follow
    const head = await this.chain.provider.getBlockNumber();
    result.checked = open.length;
    const tick = new WatchTick(head, cmd.actor, this.chain.provider, (h) => this.finality.finalizedBlock(h));
    const bySigner = groupBySigner(open);

    const last = this.last;
    if (last && last.head === head && Date.now() - last.at < FULL_TICK_AT_LEAST_MS) {
      for (const [signer, payouts] of bySigner) {
        const view = splitByMinedCount(signer, last.minedCounts.get(signer) ?? 0, payouts);
        result.rebroadcast += await this.resend.unsent(view.unmined, tick);
      }
      return result;
    }

    const minedCounts = new Map<string, number>();
    const minedIds = new Set<string>();
    await Promise.all(
      [...bySigner].map(async ([signer, payouts]) => {
        let minedCount: number;
        try {
          minedCount = await this.chain.provider.getTransactionCount(signer, head);
        } catch (err) {
          tick.failed();
          this.logger.warn(`mined nonce count of ${signer} unavailable (next tick retries): ${redactRpcUrl((err as Error).message)}`);
          return;
        }
        minedCounts.set(signer, minedCount);
        const view = splitByMinedCount(signer, minedCount, payouts);
        view.mined.forEach((p) => minedIds.add(p.id));
        const { settled: n, unmatched } = await this.settle.run(view.mined, tick);
        result.settled += n;
        result.dropped += await this.drop.run(signer, unmatched, tick);
        const resend = await this.resend.run(view, tick);
        result.rebroadcast += resend.rebroadcast;
        if (await this.replace.run(view, resend, tick)) result.replaced++;
      }),
    );
    this.settle.retain(minedIds);
    if (settled.length) {
      try {
        Object.assign(result, await this.finality.watch(settled, head, await tick.finalized(), cmd.actor));
      } catch (err) {
        tick.failed();
        this.logger.warn(`finality watch failed (next tick retries): ${redactRpcUrl((err as Error).message)}`);
      }
    }
    this.last = tick.complete ? { head, at: Date.now(), minedCounts } : null;
    return result;
  }
}

function groupBySigner(open: PayoutEntity[]): Map<string, PayoutEntity[]> {
  const bySigner = new Map<string, PayoutEntity[]>();
  for (const p of open) {
    const list = bySigner.get(p.signer) ?? [];
    list.push(p);
    bySigner.set(p.signer, list);
  }
  return bySigner;
}
