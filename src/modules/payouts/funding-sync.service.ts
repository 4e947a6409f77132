import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ChainService } from '../../platform/chain/chain.service';
import { LedgerService } from '../ledger/ledger.service';
import { fundingBlock, fundingEntry } from './domain/funding';
import { TICK_RPC_DELAYS_MS, withRpcRetry } from '../../platform/chain/rpc-retry';
import { PausesRepository } from './persistence/pauses.repository';
import { FundingRepository } from './persistence/funding.repository';

/** Lower blocks tried in one sync when a payout mined at B is not settled yet (the watcher is one tick behind). */
const BLOCKS_TRIED = 3;
/** Syncs in a row that found an unsettled payout below B before it is worth a warning (the watcher is stuck on it). */
const WARN_AFTER_SKIPS = 20;

export interface FundingPosted {
  signer: string;
  token: string;
  kind: string;
  delta: bigint;
  block: number;
}

/**
 * Posts the treasury's funding from the chain (API.md: equity:funding holds "the opening balance and later
 * top-ups, read from the chain"), per signer of this chain, at a block B CONFIRMATIONS below head. At B the
 * ledger and the chain can be compared exactly, payouts in flight or not: the signer's nonce at B says which
 * payouts are mined by B, and once each of those is settled (else B is skipped) their journals plus the
 * signer's funding journals are the books as of B. The difference to the balance at B is booked both ways:
 * `funding.topup` (debit treasury, credit equity:funding) or `funding.withdrawal` (the reverse), one journal
 * per (chain, signer, token, B). B never goes backwards (`funding_syncs`), all under the signer's advisory
 * lock, which the boot-time opening shares. See domain/funding.ts.
 */
@Injectable()
export class FundingSync {
  private readonly logger = new Logger('Funding');
  /** signer -> syncs in a row skipped for an unsettled payout */
  private readonly skipped = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly ledger: LedgerService,
    private readonly repo: FundingRepository,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly pauses: PausesRepository,
  ) {}

  /**
   * Syncs every signer of this chain: the active ones (every lane of a pool) first, then every other signer
   * row of the chain (retired keys, and keys no longer loaded: their balances are still the treasury's until
   * moved out), so `treasury:<T>` is the sum of all of them. Returns what was posted.
   */
  async sync(): Promise<FundingPosted[]> {
    const active = this.chain.activeAddresses();
    const others = (await this.repo.signers(this.chain.chainId)).filter((s) => !active.includes(s));
    const head = await this.read('head', () => this.chain.provider.getBlockNumber());
    const posted: FundingPosted[] = [];
    for (const signer of [...active, ...others]) posted.push(...(await this.syncSigner(signer, fundingBlock(head, this.config.confirmations))));
    return posted;
  }

  /** One chain read, retried briefly: a sync needs all of its reads, so one flaky answer would cost the whole sync. */
  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRpcRetry(`funding sync: ${what}`, fn, (l) => this.logger.debug(l), TICK_RPC_DELAYS_MS);
  }

  private async syncSigner(signer: string, highest: number): Promise<FundingPosted[]> {
    const tokens = this.chain.tokenSymbols();
    for (let block = highest; block >= 0 && block > highest - BLOCKS_TRIED; block--) {
      // the chain at B is read before the lock is taken: nothing waits on the RPC while it is held
      const [nonce, ...balances] = await Promise.all([
        this.read(`nonce of ${signer}`, () => this.chain.provider.getTransactionCount(signer, block)),
        ...tokens.map((t) => this.read(`${t} balance of ${signer}`, () => this.chain.balanceOf(t, signer, block))),
      ]);
      const breaker: string[] = [];
      const outcome = await this.txHost.withTransaction(async () => {
        breaker.length = 0; // a retried transaction starts over
        await this.txHost.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payrail:treasury:${signer}`]);
        const last = await this.repo.lastSynced(this.chain.chainId, signer);
        const due = tokens.map((token, i) => ({ token, onChain: balances[i]! })).filter((t) => (last.get(t.token) ?? -1) < block);
        if (due.length === 0) return { done: true, posted: [] }; // this block (or a later one) is already booked
        const books = await this.repo.bookedAt(this.chain.chainId, signer, nonce);
        if (books.unsettled > 0) return { done: false, posted: [] }; // a payout mined by B waits for its settlement
        const posted: FundingPosted[] = [];
        for (const { token, onChain } of due) {
          const entry = fundingEntry({ chainId: this.chain.chainId, signer, token, block, onChain, booked: books.booked[token] ?? 0n });
          if (entry && !(await this.ledger.post(entry.journalId, entry.kind, signer, entry.postings))) {
            continue; // that id exists (an earlier version's journal at the same block): a later block books it
          }
          if (entry) posted.push({ signer, token, kind: entry.kind, delta: entry.delta, block });
          // the drift breaker (DRIFT_TOLERANCE): money left the lane by other means than Payrail's payouts; in the
          // same transaction as its booking, so the withdrawal is never booked without the pause
          const tolerance = this.config.driftTolerance[token];
          if (entry?.kind === 'funding.withdrawal' && tolerance !== undefined && -entry.delta > BigInt(tolerance)) {
            await this.pauses.pause(token, 'drift', 'breaker');
            breaker.push(`${token}: ${-entry.delta} base units left ${signer} behind Payrail's back (block ${block}, DRIFT_TOLERANCE ${tolerance})`);
          }
          await this.repo.markSynced(this.chain.chainId, signer, token, block, nonce);
        }
        return { done: true, posted };
      });
      for (const b of breaker) this.logger.error(`payouts of ${b.split(':')[0]} paused (drift): ${b}; resume with POST /v1/admin/payouts/resume once explained`);
      for (const p of outcome.posted) {
        this.logger.log(`treasury ${p.signer}: ${p.kind} of ${p.delta < 0n ? -p.delta : p.delta} base units of ${p.token} booked (block ${p.block})`);
      }
      if (outcome.done) {
        this.skipped.delete(signer);
        return outcome.posted;
      }
    }
    const skips = (this.skipped.get(signer) ?? 0) + 1;
    this.skipped.set(signer, skips);
    const line = `treasury ${signer}: funding not synced (${skips} time(s) in a row): a payout mined by block ${highest} is not settled yet`;
    if (skips % WARN_AFTER_SKIPS === 0) this.logger.warn(line);
    else this.logger.debug(line);
    return [];
  }
}
