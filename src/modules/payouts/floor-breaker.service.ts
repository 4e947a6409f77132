import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ChainHead } from '../../platform/chain/chain-head';
import { ChainService } from '../../platform/chain/chain.service';
import { formatAmount } from '../claims/domain/money';
import { PayoutSigner } from './lanes/payout-signer';
import { ALL_TOKENS, PausesRepository } from './persistence/pauses.repository';
import { PayoutsRepository } from './persistence/payouts.repository';

/** One lane holding less of a token than TREASURY_FLOOR, at one block. */
export interface FloorBreach {
  signer: string;
  token: string;
  /** the lane's balance at `block` minus what its payouts not mined by `block` will still take */
  available: bigint;
  floor: bigint;
  block: number;
}

/**
 * The floor breaker (TREASURY_FLOOR, API.md "Treasury controls"): when any active lane holds less of a token
 * than its floor, payouts of that token pause (reason `floor`, actor `breaker`) until an admin resumes.
 *
 * "Holds" is exact, not FundsGuard's conservative view (which may count a mined, unsettled payout twice and
 * would trip the breaker falsely near the floor): the lane's balance at the head block (ChainHead, shared with
 * the pay path, once per block) minus its payouts whose nonce that block has not consumed yet (their money is
 * still in that balance but already promised). Only gas is counted at its cap while unmined.
 *
 * A tripwire, not a reserve: it runs on the funding tick (FUNDING_SYNC_MS), so payouts signed between the
 * crossing and the next tick still go out; the pay path stays free of extra reads. It never resumes by itself
 * (a top-up is a reason to resume, the admin's to give); ResumePayoutsHandler refuses while a lane is still
 * under the floor.
 */
@Injectable()
export class FloorBreaker {
  private readonly logger = new Logger('Breaker');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly head: ChainHead,
    private readonly lanes: PayoutSigner,
    private readonly payouts: PayoutsRepository,
    private readonly pauses: PausesRepository,
  ) {}

  /** Lanes under the floor of `token` (`*` or none: of every token with a floor), at the head block. No floor: no read. */
  async breaches(token: string = ALL_TOKENS): Promise<FloorBreach[]> {
    const floors = Object.entries(this.config.treasuryFloor).filter(([t]) => token === ALL_TOKENS || t === token);
    if (floors.length === 0) return [];
    const block = await this.head.block();
    const perLane = await Promise.all(
      this.lanes.lanes().map(async (signer) => {
        const [minedCount, ...balances] = await Promise.all([
          this.chain.provider.getTransactionCount(signer, block),
          ...floors.map(([t]) => this.head.balance(block, t, signer)),
        ]);
        const committed = await this.payouts.unminedCommitments(signer, this.chain.chainId, minedCount);
        return floors.flatMap(([t, floor], i): FloorBreach[] => {
          const promised = t === 'ETH' ? committed.reduce((s, c) => s + BigInt(c.ethBudget), 0n) : BigInt(committed.find((c) => c.token === t)?.amount ?? '0');
          const available = balances[i]! - promised;
          return available < BigInt(floor) ? [{ signer, token: t, available, floor: BigInt(floor), block }] : [];
        });
      }),
    );
    return perLane.flat();
  }

  /** The funding tick's check: pauses each token a lane is under the floor of (once; logged when it trips). */
  async check(): Promise<void> {
    for (const b of await this.breaches()) {
      if (await this.pauses.pause(b.token, 'floor', 'breaker')) {
        this.logger.error(`payouts of ${b.token} paused (floor): ${describeBreach(this.chain, b)}; top the lane up, then POST /v1/admin/payouts/resume`);
      }
    }
  }
}

/** One line for a log or a problem detail: which lane, how much it holds, the floor. */
export function describeBreach(chain: ChainService, b: FloorBreach): string {
  const decimals = chain.token(b.token)?.decimals ?? 18;
  return `lane ${b.signer} holds ${formatAmount(b.available, decimals)} ${b.token} after its unmined payouts (block ${b.block}), under TREASURY_FLOOR ${formatAmount(b.floor, decimals)}`;
}
