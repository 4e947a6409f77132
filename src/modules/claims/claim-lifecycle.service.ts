import { Injectable } from '@nestjs/common';
import { ChainService } from '../../platform/chain/chain.service';
import { Accounts, Posting, transfer } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import { ProgramBudget } from '../programs/program-budget.service';
import { ClaimStatus } from './domain/claim-status';
import { ClaimEntity } from './persistence/claim.entity';
import { ClaimsRepository, SweepKey } from './persistence/claims.repository';

export type { SweepKey };
import { redactRpcUrl } from '../../platform/chain/rpc-url';

/**
 * The claims module's exported port: every state change other modules may make to claims, each one a
 * guarded transition plus its audit event (and ledger journal where money moves), inside the caller's
 * transaction. Nothing outside this module writes the claims table. What picks claims up for payment
 * (lease, the sweeper's pages) sees only the claims of this process's chain: deployments on two chains may
 * share one database.
 */
@Injectable()
export class ClaimLifecycle {
  constructor(
    private readonly repo: ClaimsRepository,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
    private readonly budget: ProgramBudget,
  ) {}

  find(id: string): Promise<ClaimEntity | null> {
    return this.repo.findById(id);
  }

  findByPayout(payoutId: string): Promise<ClaimEntity[]> {
    return this.repo.findByPayout(payoutId);
  }

  /** pending (or processing with an expired lease) -> processing under `owner`'s lease; this chain's claims only. */
  async lease(claimId: string, owner: string, seconds: number): Promise<ClaimEntity | null> {
    const moved = await this.repo.transition(
      [claimId],
      'processing',
      { lease_owner: owner, lease_until: new Date(Date.now() + seconds * 1000), attemptsIncrement: true },
      { from: ['pending', 'processing'], leaseExpiredOrPending: true, chainId: this.chain.chainId },
    );
    if (moved.length === 0) return null;
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'processing', actor: owner })));
    return this.repo.findById(claimId);
  }

  /** processing -> pending: the lease holder gives the claim back before anything was signed. */
  async release(claimId: string, owner: string, rawError: string): Promise<void> {
    const error = redactRpcUrl(rawError); // shown as lastError and in the events: never the RPC's key
    const moved = await this.repo.transition(
      [claimId],
      'pending',
      { lease_owner: null, lease_until: null, last_error: error },
      { from: ['processing'], leaseOwner: owner },
    );
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'pending', actor: owner, detail: { error } })));
  }

  /** processing -> pending for a claim whose lease expired (its worker died): the sweeper's takeover. */
  async reclaimExpired(claimId: string): Promise<boolean> {
    const moved = await this.repo.transition(
      [claimId],
      'pending',
      { lease_owner: null, lease_until: null },
      { from: ['processing'], leaseExpiredOrPending: true },
    );
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'pending', actor: 'sweeper', detail: { reason: 'lease expired' } })));
    return moved.length > 0;
  }

  /** processing -> submitted, only while `owner` holds the lease. Returns how many moved. */
  async markSubmitted(claimIds: string[], owner: string, payoutId: string, txHash: string, nonce: number): Promise<number> {
    const moved = await this.repo.transition(
      claimIds,
      'submitted',
      { payout_id: payoutId, tx_hash: txHash, lease_owner: null, lease_until: null, last_error: null },
      { from: ['processing'], leaseOwner: owner },
    );
    await this.repo.appendEvents(
      moved.map((m) => ({ claimId: m.id, from: m.from, to: 'submitted', actor: owner, detail: { payoutId, txHash, nonce } })),
    );
    return moved.length;
  }

  /**
   * The lane's bulk take: up to `limit` pending claims of `token` on this chain (not `excludeId`), locked
   * until the caller's transaction ends (SKIP LOCKED: a row another lane holds is never waited on). A claim
   * leased `maxAttempts` times (its job is dead-lettered) is not taken: it waits for an operator's retry.
   */
  takePending(token: string, excludeId: string, limit: number, maxAttempts: number): Promise<ClaimEntity[]> {
    return this.repo.takePending(this.chain.chainId, token, excludeId, limit, maxAttempts);
  }

  /**
   * pending -> submitted for claims a lane took into a batch with its leased claim (rows locked by
   * `takePending` in the same transaction). The trail shows both steps, as for a leased claim. Returns how
   * many moved.
   */
  async joinBatch(claimIds: string[], owner: string, payoutId: string, txHash: string, nonce: number): Promise<number> {
    if (claimIds.length === 0) return 0;
    const moved = await this.repo.transition(
      claimIds,
      'submitted',
      { payout_id: payoutId, tx_hash: txHash, lease_owner: null, lease_until: null, last_error: null, attemptsIncrement: true },
      { from: ['pending'], chainId: this.chain.chainId },
    );
    await this.repo.appendEvents(
      moved.flatMap((m) => [
        { claimId: m.id, from: 'pending', to: 'processing', actor: owner, detail: { batch: payoutId } },
        { claimId: m.id, from: 'processing', to: 'submitted', actor: owner, detail: { payoutId, txHash, nonce } },
      ]),
    );
    return moved.length;
  }

  /**
   * A batch payout reverted for good without naming a line at fault: its claims go back to pending, each
   * capped to half the batch (`max_batch`), so the next batches are smaller until the claim that makes them
   * revert goes out alone (and fails on its own). Returns the claims moved.
   */
  async splitFromPayout(payoutId: string, actor: string, rawReason: string, maxBatch: number): Promise<string[]> {
    const claims = await this.repo.findByPayout(payoutId);
    await this.repo.capBatch(claims.map((c) => c.id), Math.max(1, maxBatch));
    return this.requeueFromPayout(payoutId, actor, rawReason);
  }

  /** submitted -> completed for every claim of the payout; returns the claims completed. */
  async complete(payoutId: string, txHash: string, actor: string, detail: Record<string, unknown>): Promise<ClaimEntity[]> {
    const claims = await this.repo.findByPayout(payoutId);
    const moved = await this.repo.transition(
      claims.map((c) => c.id),
      'completed',
      { tx_hash: txHash, processed_at: 'now()' },
      { from: ['submitted'] },
    );
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'completed', actor, detail: { txHash, ...detail } })));
    const ids = new Set(moved.map((m) => m.id));
    return claims.filter((c) => ids.has(c.id));
  }

  /**
   * -> cancelled or failed, with the ledger reversal of the entitlement (payable back to expense:rewards).
   * Returns the claims moved.
   */
  async void(claimIds: string[], to: Extract<ClaimStatus, 'cancelled' | 'failed'>, actor: string, rawError: string | null): Promise<string[]> {
    const error = rawError === null ? null : redactRpcUrl(rawError);
    const moved = await this.repo.transition(
      claimIds,
      to,
      { last_error: error, processed_at: 'now()', lease_owner: null, lease_until: null },
      to === 'cancelled' ? { from: ['pending', 'held'] } : {},
    );
    for (const m of moved) {
      const c = (await this.repo.findById(m.id))!;
      // back where the entitlement came from: its program's budget (which gets the amount back), else the expense
      const postings: Posting[] = transfer(
        Accounts.payable(c.wallet, c.token),
        ProgramBudget.sourceAccount(c.programId, c.token),
        c.token,
        BigInt(c.amountBase),
      );
      if (c.programId) await this.budget.release(c.programId, BigInt(c.amountBase));
      await this.ledger.post(`claim-void:${c.id}`, `claim.${to}`, c.id, postings);
    }
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to, actor, detail: error ? { error } : {} })));
    return moved.map((m) => m.id);
  }

  /**
   * submitted -> pending for every claim of a payout whose nonce was provably consumed by another
   * transaction (never ours): the claim will get a new payout. Returns the claims moved.
   */
  async requeueFromPayout(payoutId: string, actor: string, rawReason: string): Promise<string[]> {
    const reason = redactRpcUrl(rawReason);
    const claims = await this.repo.findByPayout(payoutId);
    const moved = await this.repo.transition(
      claims.map((c) => c.id),
      'pending',
      { payout_id: null, tx_hash: null, lease_owner: null, lease_until: null, last_error: reason },
      { from: ['submitted'] },
    );
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'pending', actor, detail: { payoutId, reason } })));
    return moved.map((m) => m.id);
  }

  /**
   * A reorg removed the block the payout was settled in, before it was final: its completed claims go back
   * to submitted (audit event `reorged`; the caller reverses the settlement journal in the same
   * transaction), and claims still submitted (a reverted payout) get the event only. Returns the claims moved.
   */
  async reorg(payoutId: string, actor: string, detail: Record<string, unknown>): Promise<string[]> {
    const claims = await this.repo.findByPayout(payoutId);
    const moved = await this.repo.transition(
      claims.map((c) => c.id),
      'submitted',
      { processed_at: null, last_error: `reorged out of block ${String(detail.blockNumber)}; the same transaction is re-sent` },
      { from: ['completed'] },
    );
    const movedIds = new Set(moved.map((m) => m.id));
    await this.repo.appendEvents(
      claims.map((c) => ({
        claimId: c.id,
        from: movedIds.has(c.id) ? 'completed' : c.status,
        to: movedIds.has(c.id) ? 'submitted' : c.status,
        actor,
        detail: { event: 'reorged', payoutId, ...detail },
      })),
    );
    return [...movedIds];
  }

  /**
   * pending or processing (leased, nothing signed) -> held, with `reason` as lastError (API.md "Treasury
   * controls": a wallet denied after intake). The lease is cleared, so a worker holding it can neither sign
   * (its markSubmitted finds the claim gone and rolls back) nor give it back to pending. Returns the claims moved.
   */
  async hold(claimIds: string[], actor: string, rawReason: string, detail: Record<string, unknown> = {}): Promise<string[]> {
    const reason = redactRpcUrl(rawReason);
    const moved = await this.repo.transition(claimIds, 'held', { last_error: reason, lease_owner: null, lease_until: null }, { from: ['pending', 'processing'] });
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'held', actor, detail: { reason, ...detail } })));
    return moved.map((m) => m.id);
  }

  /** Holds every open claim (pending, or leased and unsigned) to these wallets; see `hold`. */
  async holdWallets(wallets: string[], actor: string, reason: string): Promise<string[]> {
    const ids = await this.repo.openToWallets(wallets);
    return ids.length ? this.hold(ids, actor, reason, { hold: 'denylist' }) : [];
  }

  /** held -> pending: an admin's approval (`approvedBy` in the trail). True if it moved. */
  async approve(claimId: string, actor: string): Promise<boolean> {
    const moved = await this.repo.transition([claimId], 'pending', { last_error: null }, { from: ['held'] });
    await this.repo.appendEvents(moved.map((m) => ({ claimId: m.id, from: m.from, to: 'pending', actor, detail: { approvedBy: actor } })));
    return moved.length > 0;
  }

  /** Money of `token` this chain signed in the last 24 h, in total and per wallet of `wallets` (see the repository). */
  signedInWindow(token: string, wallets: string[]): Promise<{ total: bigint; byWallet: Map<string, bigint> }> {
    return this.repo.signedInWindow(this.chain.chainId, token, wallets);
  }

  /** The claim's audit trail, oldest first. */
  events(claimId: string) {
    return this.repo.events(claimId);
  }

  /** An audit event without a status change (e.g. a replacement transaction for a submitted claim). */
  async recordEvent(claimIds: string[], status: ClaimStatus, actor: string, rawDetail: Record<string, unknown>): Promise<void> {
    const detail = JSON.parse(redactRpcUrl(JSON.stringify(rawDetail))) as Record<string, unknown>;
    await this.repo.appendEvents(claimIds.map((claimId) => ({ claimId, from: status, to: status, actor, detail })));
  }

  /** Records a non-terminal problem on the claim (shown as lastError), without a state change. */
  async noteError(claimIds: string[], error: string): Promise<void> {
    await this.repo.noteError(claimIds, redactRpcUrl(error));
  }

  /**
   * One page of this chain's committed pending claims older than `olderThanSec`, oldest first, after `after`
   * (the outbox sweeper re-enqueues them); pass the page's last key to get the next one.
   */
  stalePending(olderThanSec: number, limit: number, after: SweepKey | null = null): Promise<SweepKey[]> {
    return this.repo.stalePending(this.chain.chainId, olderThanSec, limit, after);
  }

  /** One page of this chain's processing claims whose lease has expired (their worker died), after `after`. */
  expiredLeases(limit: number, after: SweepKey | null = null): Promise<SweepKey[]> {
    return this.repo.expiredLeases(this.chain.chainId, limit, after);
  }

  /** How many of `ids` are this chain's pending claims (e.g. of the claims parked in the dead-letter queue). */
  countPending(ids: string[]): Promise<number> {
    return this.repo.countPending(this.chain.chainId, ids);
  }

  /**
   * Claims created before claims carried a chain (NULL) become this chain's: before the column existed one
   * database served one chain. Returns how many were adopted.
   */
  adoptUnscoped(): Promise<number> {
    return this.repo.adoptUnscoped(this.chain.chainId);
  }
}
