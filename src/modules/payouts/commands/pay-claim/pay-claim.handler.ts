import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { MaxUint256 } from 'ethers';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { encodeNativeBatch, encodeTokenBatch, MAX_LINE_AMOUNT } from '../../../../platform/chain/batch-payout';
import { ChainHead, Fees } from '../../../../platform/chain/chain-head';
import { ChainService, ERC20 } from '../../../../platform/chain/chain.service';
import { crashIf } from '../../../../platform/chain/crash-point';
import { NonceAllocator } from '../../../../platform/chain/nonce-allocator';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { ClaimEntity } from '../../../claims/persistence/claim.entity';
import { BroadcastFailedError, Broadcaster } from '../../broadcaster.service';
import { rpcErrorMessage } from '../../domain/rpc-errors';
import { FundsGuard, FundsView } from '../../funds-guard.service';
import { PayoutSubmittedEvent } from '../../events/payout-submitted.event';
import { PayoutEntity } from '../../persistence/payout.entity';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { Pause, PausesRepository } from '../../persistence/pauses.repository';
import { PayoutSigner } from '../../lanes/payout-signer';
import { batchGasLimit, maxBatchLines, APPROVE_GAS, NATIVE_TRANSFER_GAS, TOKEN_TRANSFER_GAS } from '../../lanes/gas';
import { PayClaimCommand, PayClaimOutcome } from './pay-claim.command';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { METRIC } from '../../../../platform/metrics/metrics';
import { ClaimsHeldEvent } from '../../../claims/events/claim-created.event';
import { deniedReason } from '../../../claims/intake-policy.service';
import { DenylistRepository } from '../../../claims/persistence/denylist.repository';
import { DailyLimits, OverLimitError } from '../../lanes/daily-limits';

class InsufficientFundsError extends Error {}

/** Payouts of the token are paused: the round signs nothing. */
class PausedError extends Error {
  constructor(token: string, pause: Pause) {
    super(`payouts of ${pause.token === '*' ? 'every token' : token} paused (${pause.reason}) since ${pause.since}; the claim waits`);
  }
}

/** The leased claim's wallet is on the denylist (checked under the lane's lock): it is held, never signed. */
class DeniedWalletError extends Error {}

/** A drain round found nothing it could pay (no claim waiting, or the lane cannot cover the oldest). */
class NothingToDrainError extends Error {}

/** What one signing transaction stored; `full`: it carried as many claims as it could, more may wait. */
interface Round {
  stored: PayoutEntity[];
  full: boolean;
}

/** No claim has this id: the drain's take excludes nothing. */
const NO_CLAIM = '00000000-0000-0000-0000-000000000000';
/** With batching off, how many transfers one signing transaction stores (consecutive nonces, one commit). */
const TRANSFERS_PER_ROUND = 25;
/** How long one job keeps draining its lane after its own claim went out. */
const DRAIN_MS = 5000;

/** Can this claim be a line of a batch? (amount within 96 bits, a recipient the contract accepts: not zero, not itself) */
function lineable(c: ClaimEntity, batchContract: string | null): boolean {
  return BigInt(c.amountBase) <= MAX_LINE_AMOUNT && BigInt(c.wallet) !== 0n && c.wallet.toLowerCase() !== batchContract?.toLowerCase();
}

export class LeaseLostError extends Error {
  constructor(claimId: string) {
    super(`lease on claim ${claimId} lost before signing; nothing was sent`);
  }
}

/** A payout of a claim whose stored bytes were never sent is re-sent by its job only after this long (else the watcher's). */
const UNSENT_AFTER_MS = 3000;

interface Lane {
  signer: string;
  view: FundsView;
}

/**
 * A signer lane's pay step (API.md "Signer lanes and batches", ADR 0006). Lease the claim; pick the
 * least-loaded lane with room (MAX_INFLIGHT_PER_SIGNER) that holds the funds; read fees and the lane's
 * balances from ChainHead (once per block, never per claim, never under a lock). Then in ONE transaction:
 * allocate the nonce (locks the lane's signer row), check pauses, the denylist and the daily limits (the token's
 * limit lock, only for a token with LIMIT_PER_DAY / LIMIT_PER_WALLET_DAY), take the lane's other waiting claims of the same token
 * (FOR UPDATE SKIP LOCKED, up to BATCH_MAX and what one transaction's gas allows), keep those the lane's
 * funds cover after its commitments (Postgres, no RPC), add the lane's one-time approval of the batch
 * contract if it has none, sign, store every payout with its raw bytes, and move the claims to `submitted`.
 * Only after commit, broadcast (the approval first). A claim already `submitted` is never signed again.
 *
 * Adaptive batching: a lane that is idle sends what is waiting at once (a lone claim as a plain transfer);
 * claims that arrive while every lane has MAX_INFLIGHT_PER_SIGNER payouts unconfirmed wait (`lanes-busy`)
 * and go out together in a lane's next batch. BATCH_WINDOW_MS > 0 also holds a fresh claim that long.
 *
 * The job's work ends when the payout is stored. A broadcast that fails after commit is recorded on the
 * payout and the job completes (`stored-broadcast-failed`): what happens on chain is the watcher's.
 */
@CommandHandler(PayClaimCommand)
export class PayClaimHandler implements ICommandHandler<PayClaimCommand> {
  private readonly logger = new Logger('PayClaim');
  private turn = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly claims: ClaimLifecycle,
    private readonly payouts: PayoutsRepository,
    private readonly chain: ChainService,
    private readonly head: ChainHead,
    private readonly nonces: NonceAllocator,
    private readonly broadcaster: Broadcaster,
    private readonly funds: FundsGuard,
    private readonly signer: PayoutSigner,
    private readonly events: EventBus,
    private readonly pauses: PausesRepository,
    private readonly limits: DailyLimits,
    private readonly denylist: DenylistRepository,
    @InjectMetric(METRIC.denylistHits) private readonly denylistHits: Counter<string>,
  ) {}

  async execute(cmd: PayClaimCommand): Promise<PayClaimOutcome> {
    // one read first: most jobs of a burst find their claim already in another claim's batch, and end here
    const claim = await this.claims.find(cmd.claimId);
    if (!claim) return 'nothing-to-do';
    if (claim.status !== 'pending' && claim.status !== 'processing') return this.resume(claim);
    if (this.config.batchWindowMs > 0 && claim.status === 'pending' && Date.now() - new Date(claim.createdAt).getTime() < this.config.batchWindowMs) {
      return 'batch-window';
    }
    if (await this.pauses.pausedFor(claim.token)) return 'paused'; // nothing leased; checked again under the lock
    const overLimit = claim.status === 'pending' ? await this.limits.blocks(claim) : null;
    if (overLimit) {
      await this.claims.noteError([claim.id], overLimit); // nothing leased; checked again under the lock
      return 'over-limit';
    }
    const lanes = await this.lanesWithRoom();
    if (lanes.length === 0) return 'lanes-busy'; // nothing leased
    const leased = await this.txHost.withTransaction(() => this.claims.lease(cmd.claimId, cmd.worker, this.config.leaseSeconds));
    if (!leased) {
      const now = await this.claims.find(cmd.claimId);
      return now ? this.resume(now) : 'nothing-to-do';
    }

    let lane: Lane;
    let fees: Fees;
    try {
      const block = await this.head.block();
      fees = await this.head.fees(block);
      lane = await this.pickLane(lanes, leased, block);
    } catch (err) {
      await this.giveBack(leased.id, cmd.worker, `prepare failed: ${rpcErrorMessage(err)}`);
      throw err;
    }

    let round: Round;
    try {
      round = await this.txHost.withTransaction(() => this.signAndStore(leased, leased.token, lane, fees, cmd.worker));
    } catch (err) {
      if (err instanceof PausedError) {
        await this.giveBack(leased.id, cmd.worker, err.message);
        return 'paused';
      }
      if (err instanceof OverLimitError) {
        await this.giveBack(leased.id, cmd.worker, err.message);
        return 'over-limit';
      }
      if (err instanceof DeniedWalletError) {
        const held = await this.txHost.withTransaction(() => this.claims.hold([leased.id], cmd.worker, err.message, { hold: 'denylist' }));
        this.denylistHits.inc({ stage: 'payout' });
        this.logger.warn(`claim ${leased.id} held before signing: its wallet is on the denylist`);
        if (held.length) this.events.publish(new ClaimsHeldEvent(held));
        return 'held';
      }
      if (err instanceof InsufficientFundsError) {
        await this.giveBack(leased.id, cmd.worker, err.message);
        await this.payouts.setAlert(lane.signer, leased.token, err.message);
        this.logger.warn(`claim ${leased.id} waits for funds: ${err.message}`);
        return 'waiting-for-funds';
      }
      if (!(err instanceof LeaseLostError)) await this.giveBack(leased.id, cmd.worker, `sign failed: ${rpcErrorMessage(err)}`);
      throw err;
    }
    await this.payouts.setAlert(lane.signer, leased.token, null);
    crashIf(this.config.crashAt, 'after-persist');
    const allSent = await this.sendAll(round.stored);
    if (allSent) crashIf(this.config.crashAt, 'after-broadcast');
    if (round.full) await this.drain(lane.signer, leased.token, cmd.worker);
    return allSent ? 'paid' : 'stored-broadcast-failed';
  }

  /**
   * Broadcasts stored payouts, pipelined: an approval first (the batch behind it needs it), then the rest of the
   * round at once (a node queues a nonce that arrives before its predecessor), so a round of 25 transfers
   * costs one RPC round trip, not 25. False if one failed (recorded on it, left to the watcher).
   */
  private async sendAll(stored: PayoutEntity[]): Promise<boolean> {
    const sendOne = async (payout: PayoutEntity): Promise<boolean> => {
      if (!(await this.send(payout))) return false;
      if (payout.claimIds.length > 0) this.events.publish(new PayoutSubmittedEvent(payout.id, payout.claimIds, payout.txHashes[payout.txHashes.length - 1]!)); // outbound webhooks
      return true;
    };
    let allSent = true;
    const approvals = stored.filter((p) => p.kind === 'approve');
    for (const payout of approvals) allSent = (await sendOne(payout)) && allSent;
    const sent = await Promise.all(stored.filter((p) => p.kind !== 'approve').map(sendOne));
    return allSent && sent.every(Boolean);
  }

  /**
   * After a full round, the lane keeps going while claims of the token wait and it has room: each round takes
   * the oldest waiting claims straight from `pending` (their own jobs then find them in a batch and end), so
   * a burst drains at the lane's pace, not at the pace of one queue job per claim. Bounded (DRAIN_MS) so one
   * job never holds its queue lock for long; any failure just ends the drain (the claims' own jobs remain).
   */
  private async drain(signer: string, token: string, worker: string): Promise<void> {
    const until = Date.now() + DRAIN_MS;
    while (Date.now() < until) {
      if (!(await this.lanesWithRoom()).includes(signer)) return;
      let round: Round;
      try {
        const block = await this.head.block();
        const fees = await this.head.fees(block);
        const lane = { signer, view: await this.view(signer, token, block) };
        round = await this.txHost.withTransaction(() => this.signAndStore(null, token, lane, fees, worker));
      } catch (err) {
        if (!(err instanceof NothingToDrainError)) this.logger.warn(`lane ${signer}: draining ${token} stopped: ${rpcErrorMessage(err)}`);
        return;
      }
      crashIf(this.config.crashAt, 'after-persist');
      if (await this.sendAll(round.stored)) crashIf(this.config.crashAt, 'after-broadcast');
      if (!round.full) return;
    }
  }

  /**
   * Active lanes under MAX_INFLIGHT_PER_SIGNER, least loaded first (one SQL count). Ties are broken round
   * robin: jobs running at once all read the same counts (a payout counts only once committed), and would
   * otherwise queue on one lane's row lock while the others idle.
   */
  private async lanesWithRoom(): Promise<string[]> {
    const lanes = this.signer.lanes();
    // with batching off (BATCH_MAX=1) there is no next batch to wait for: a lane sends every claim at once
    const cap = this.config.batchMax > 1 ? this.config.maxInflightPerSigner : Infinity;
    if (lanes.length === 1 && cap === Infinity) return lanes;
    const load = await this.payouts.inFlightBySigner(this.chain.chainId, lanes);
    const turn = this.turn++ % lanes.length;
    return lanes
      .map((signer, i) => ({ signer, order: (i - turn + lanes.length) % lanes.length, n: load.get(signer) ?? 0 }))
      .filter((l) => l.n < cap)
      .sort((a, b) => a.n - b.n || a.order - b.order)
      .map((l) => l.signer);
  }

  /** The first lane (least loaded first) whose balance at `block` holds the claim; else the least loaded (it will wait). */
  private async pickLane(lanes: string[], claim: ClaimEntity, block: number): Promise<Lane> {
    let first: Lane | null = null;
    for (const signer of lanes) {
      const view = await this.view(signer, claim.token, block);
      first ??= { signer, view };
      if ((view.balances[claim.token] ?? 0n) >= BigInt(claim.amountBase)) return { signer, view };
    }
    return first!;
  }

  private async view(signer: string, token: string, block: number): Promise<FundsView> {
    const [tokenBalance, eth] = await Promise.all([
      token === 'ETH' ? Promise.resolve(0n) : this.head.balance(block, token, signer),
      this.head.balance(block, 'ETH', signer),
    ]);
    return { block, balances: token === 'ETH' ? { ETH: eth } : { [token]: tokenBalance, ETH: eth } };
  }

  /**
   * Inside the signing transaction: the lane's payouts for `leased` (or, draining, for the oldest waiting
   * claims of `token`) and whatever claims of its token wait, signed and stored with the claims moved, or an
   * error that rolls everything back (nonces included). `full`: the round took as many claims as it could
   * carry, so more may be waiting.
   */
  private async signAndStore(leased: ClaimEntity | null, token: string, lane: Lane, fees: Fees, worker: string): Promise<Round> {
    const { signer } = lane;
    const tokenConfig = this.chain.token(token);
    if (!tokenConfig) throw new Error(`token ${token} is no longer configured`);
    const native = tokenConfig.address === null;
    const nonce = await this.nonces.allocate(signer, this.chain.chainId);
    crashIf(this.config.crashAt, 'after-nonce');
    // under the lane's lock: a pause committed before this point means nothing is signed (rolls back the nonce)
    const pause = await this.pauses.pausedFor(token);
    if (pause) throw leased ? new PausedError(token, pause) : new NothingToDrainError();
    // a wallet denied after intake is never signed (riders: takePending never takes a denied wallet's claim)
    if (leased) {
      const denied = await this.denylist.find(leased.wallet);
      if (denied) throw new DeniedWalletError(deniedReason(denied.reason));
    }
    // LIMIT_PER_DAY / LIMIT_PER_WALLET_DAY: the token's limit lock, held to commit (null: no daily limit)
    const window = await this.limits.open(token);
    const available = await this.funds.available(signer, token, lane.view);
    const maxFee = fees.maxFeePerGas;
    const cap = this.config.batchMax > 1 && this.config.batchPayoutAddress !== null ? Math.min(this.config.batchMax, maxBatchLines(native)) : 1;
    // claims one round may carry: a batch's lines, or with batching off that many transfers (one commit)
    const perRound = cap > 1 ? cap : TRANSFERS_PER_ROUND;

    let head: ClaimEntity;
    let waiting: ClaimEntity[] = [];
    if (leased) {
      head = leased;
    } else {
      let taken = await this.claims.takePending(token, NO_CLAIM, perRound, this.config.payClaimAttempts);
      if (window) taken = (await window.admit(taken)).admitted;
      if (taken.length === 0) throw new NothingToDrainError(); // rolls back: the nonce is returned
      [head, ...waiting] = taken as [ClaimEntity, ...ClaimEntity[]];
    }
    if (leased && window) {
      const { refused } = await window.admit([head]);
      if (refused) throw new OverLimitError(refused); // rolls back: the nonce is returned
    }
    const transferGas = native ? NATIVE_TRANSFER_GAS : TOKEN_TRANSFER_GAS;
    const alone = this.funds.shortfall(token, available, BigInt(head.amountBase), native ? BigInt(head.amountBase) : 0n, transferGas * maxFee);
    if (alone) throw leased ? new InsufficientFundsError(alone) : new NothingToDrainError(); // rolls back: the nonce is returned

    // the batch: the head claim first, then the oldest waiting claims the funds cover, within every cap
    const batchable = cap > 1 && lineable(head, this.config.batchPayoutAddress) && head.maxBatch !== 1;
    const limit = batchable ? Math.min(cap, head.maxBatch ?? Infinity) : perRound;
    let lines: ClaimEntity[] = [head];
    let approve = false;
    if (batchable) {
      if (leased) waiting = await this.claims.takePending(token, leased.id, limit - 1, this.config.payClaimAttempts);
      if (leased && window) waiting = (await window.admit(waiting)).admitted;
      if (waiting.length > 0) {
        approve = !native && !(await this.payouts.hasApproval(signer, this.chain.chainId, token));
        lines = this.fit(head, waiting, limit, available, native, maxFee, approve);
        if (lines.length === 1) approve = false;
      }
    }

    const stored: PayoutEntity[] = [];
    let next = nonce;
    const nextNonce = async () => {
      const n = next;
      next = -1;
      return n >= 0 ? n : this.nonces.allocate(signer, this.chain.chainId);
    };
    if (approve) {
      stored.push(await this.store(signer, await nextNonce(), 'approve', [], token, {
        to: tokenConfig.address!, value: 0n, data: ERC20.encodeFunctionData('approve', [this.config.batchPayoutAddress!, MaxUint256]), gasLimit: APPROVE_GAS,
      }, fees));
    }
    const transfer = async (c: ClaimEntity) => {
      const amount = BigInt(c.amountBase);
      return this.store(signer, await nextNonce(), 'transfer', [c], token, native
        ? { to: c.wallet, value: amount, data: '0x', gasLimit: NATIVE_TRANSFER_GAS }
        // fixed cap for a plain ERC-20 transfer (about 51k to a fresh holder): an estimate would revert, and so
        // fail, whenever the treasury is short, which must make the claim wait instead
        : { to: tokenConfig.address!, value: 0n, data: ERC20.encodeFunctionData('transfer', [c.wallet, amount]), gasLimit: TOKEN_TRANSFER_GAS },
      fees);
    };

    // which payout carries which claim
    const carried: { claim: ClaimEntity; payout: PayoutEntity }[] = [];
    if (lines.length > 1) {
      const batchLines = lines.map((c) => ({ to: c.wallet, amount: BigInt(c.amountBase) }));
      const call = native ? encodeNativeBatch(batchLines) : { data: encodeTokenBatch(tokenConfig.address!, batchLines), value: 0n };
      const payout = await this.store(signer, await nextNonce(), 'batch', lines, token, {
        to: this.config.batchPayoutAddress!, value: call.value, data: call.data, gasLimit: batchGasLimit(lines.length, native),
      }, fees);
      stored.push(payout);
      for (const claim of lines) carried.push({ claim, payout });
    } else {
      // transfers: the head; with batching off also the claims waiting behind it, each its own transaction at
      // the next nonce, all in this one commit (one lock hold and one fsync for the round, not per claim)
      const singles = [head];
      if (cap === 1) {
        let more = leased ? await this.claims.takePending(token, leased.id, perRound - 1, this.config.payClaimAttempts) : waiting;
        if (leased && window) more = (await window.admit(more)).admitted;
        let spent = BigInt(head.amountBase);
        for (const c of more) {
          const total = spent + BigInt(c.amountBase);
          if (this.funds.shortfall(token, available, total, native ? total : 0n, transferGas * BigInt(singles.length + 1) * maxFee)) break;
          singles.push(c);
          spent = total;
        }
      }
      for (const claim of singles) {
        const payout = await transfer(claim);
        stored.push(payout);
        carried.push({ claim, payout });
      }
    }

    for (const { claim, payout } of carried) {
      const txHash = payout.txHashes[0]!;
      if (leased && claim.id === leased.id) {
        if ((await this.claims.markSubmitted([leased.id], worker, payout.id, txHash, Number(payout.nonce))) !== 1) throw new LeaseLostError(leased.id); // rolls back: the nonces are returned
      }
    }
    // riders: every carried claim but the leased one, grouped by payout (a batch: one statement for all its claims)
    const byPayout = new Map<PayoutEntity, ClaimEntity[]>();
    for (const { claim, payout } of carried) {
      if (leased && claim.id === leased.id) continue;
      byPayout.set(payout, [...(byPayout.get(payout) ?? []), claim]);
    }
    for (const [payout, riders] of byPayout) {
      const joined = await this.claims.joinBatch(riders.map((c) => c.id), worker, payout.id, payout.txHashes[0]!, Number(payout.nonce));
      if (joined !== riders.length) throw new Error(`payout ${payout.id}: ${joined} of ${riders.length} taken claims could be moved; nothing was signed`); // rows were locked: a defect
    }
    // full: the round carried all it could, more may wait (a drain whose head could not batch also goes on)
    return { stored, full: carried.length >= limit || (!leased && waiting.length > 0 && !batchable) };
  }

  /**
   * The leased claim plus waiting ones, oldest first, while the lane's funds cover the token total and the
   * ETH for value and gas at its cap (the approval's too), and no claim's own cap (max_batch) is exceeded.
   */
  private fit(leased: ClaimEntity, waiting: ClaimEntity[], limit: number, available: { token: bigint; eth: bigint }, native: boolean, maxFee: bigint, approve: boolean): ClaimEntity[] {
    const lines = [leased];
    let cap = limit;
    let total = BigInt(leased.amountBase);
    for (const c of waiting) {
      if (lines.length >= cap) break;
      if (!lineable(c, this.config.batchPayoutAddress)) continue; // it goes out alone, through its own job: never a reason to fail the batch
      const amount = BigInt(c.amountBase);
      const nextCap = Math.min(cap, c.maxBatch ?? Infinity);
      if (lines.length + 1 > nextCap) continue;
      const gas = (batchGasLimit(lines.length + 1, native) + (approve ? APPROVE_GAS : 0n)) * maxFee;
      const short = this.funds.shortfall(leased.token, available, total + amount, native ? total + amount : 0n, gas);
      if (short) break;
      lines.push(c);
      total += amount;
      cap = nextCap;
    }
    return lines;
  }

  private async store(
    signer: string,
    nonce: number,
    kind: PayoutEntity['kind'],
    claims: ClaimEntity[],
    token: string,
    call: { to: string; value: bigint; data: string; gasLimit: bigint },
    fees: Fees,
  ): Promise<PayoutEntity> {
    // With a remote signer (REMOTE_SIGNER_URL) this is one JSON-RPC round trip, here, under the lane's lock and
    // inside the signing transaction: the nonce, the signature and the stored payout commit together or not at
    // all (ADR 0007). Past REMOTE_SIGNER_TIMEOUT_MS, or on an answer that is not this transaction, it throws and
    // the whole round rolls back (the nonce is returned, nothing is stored, the claim waits with the reason).
    const { rawTx, txHash } = await this.signer.sign(signer, { nonce, ...call, ...fees });
    const id = randomUUID();
    return this.payouts.insert({
      id,
      kind,
      claimIds: claims.map((c) => c.id),
      amountTotal: claims.reduce((sum, c) => sum + BigInt(c.amountBase), 0n),
      token,
      signer,
      chainId: this.chain.chainId,
      nonce,
      toAddress: call.to,
      value: call.value,
      data: call.data,
      gasLimit: call.gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      rawTx,
      txHash,
    });
  }

  /** Broadcasts a stored payout; false when that failed (recorded on the payout, left to the chain watcher). */
  private async send(payout: PayoutEntity): Promise<boolean> {
    try {
      await this.broadcaster.broadcast(payout);
      return true;
    } catch (err) {
      // BroadcastFailedError is already on the payout (lastError) and the claim; anything else (e.g. the
      // database while recording a success) leaves broadcast_at unset, so the watcher re-sends it
      if (!(err instanceof BroadcastFailedError)) this.logger.warn(`payout ${payout.id} stored; its broadcast is left to the chain watcher: ${rpcErrorMessage(err)}`);
      return false;
    }
  }

  private giveBack(claimId: string, worker: string, reason: string): Promise<void> {
    return this.txHost.withTransaction(() => this.claims.release(claimId, worker, reason));
  }

  /**
   * The claim was not leasable: it went out in another claim's batch, an earlier attempt stored its payout,
   * or another worker holds it. A stored payout never sent (its worker died after commit) is re-sent here
   * once it is older than UNSENT_AFTER_MS (stored bytes, never a new signature); one sent, or younger, is
   * the watcher's and its sender's: nothing per claim touches the RPC.
   */
  private async resume(claim: ClaimEntity): Promise<PayClaimOutcome> {
    if (claim.status === 'submitted' && claim.payoutId) {
      const payout = await this.payouts.findById(claim.payoutId);
      if (payout && payout.status === 'submitted' && !payout.broadcastAt && Date.now() - new Date(payout.createdAt).getTime() >= UNSENT_AFTER_MS) {
        return (await this.send(payout)) ? 'rebroadcast' : 'stored-broadcast-failed';
      }
    }
    return claim.status === 'processing' ? 'leased-elsewhere' : 'nothing-to-do';
  }
}
