import { Logger } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionReceipt, TransactionResponse } from 'ethers';
import type { AppConfig } from '../../../../config/config';
import type { ChainService } from '../../../../platform/chain/chain.service';
import type { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import type { Posting } from '../../../ledger/domain/accounts';
import type { LedgerService } from '../../../ledger/ledger.service';
import type { Broadcaster } from '../../broadcaster.service';
import type { FundingSync } from '../../funding-sync.service';
import type { PaymentQueue } from '../../jobs/payment-queue';
import type { PayoutEntity } from '../../persistence/payout.entity';
import type { PayoutsRepository } from '../../persistence/payouts.repository';
import type { Replacer } from '../../replacer.service';
import { DropWatch } from '../../watch/drop.watch';
import type { FinalityWatch } from '../../watch/finality.watch';
import { FundingWatch } from '../../watch/funding.watch';
import { FloorBreaker } from '../../floor-breaker.service';
import { ReplaceWatch } from '../../watch/replace.watch';
import { ResendWatch } from '../../watch/resend.watch';
import { SettleWatch } from '../../watch/settle.watch';
import { SettlePayoutsCommand } from './settle-payouts.command';
import { SettlePayoutsHandler } from './settle-payouts.handler';

const SIGNER = '0x00000000000000000000000000000000000000aa';
const FOREIGN = 'foreign';

/** A JSON-RPC node as the watcher sees it, counting every question asked. */
class FakeNode {
  head = 100;
  finalDepth = 10;
  readonly calls: string[] = [];
  /** nonce -> the block that consumed it, and by which hash (ours or FOREIGN) */
  readonly consumed = new Map<number, { block: number; hash: string }>();
  /** hashes the node has in its pool (not mined) */
  readonly pool = new Set<string>();
  readonly sent: string[] = [];

  blockHashOf(n: number): string {
    return `0xblock${n}`;
  }

  async getBlockNumber(): Promise<number> {
    this.calls.push('getBlockNumber');
    return this.head;
  }

  async getTransactionCount(_signer: string, tag: number): Promise<number> {
    this.calls.push(`getTransactionCount@${tag === this.head ? 'head' : tag}`);
    return [...this.consumed.values()].filter((c) => c.block <= tag).length;
  }

  private mined(hash: string): { nonce: number; block: number } | null {
    for (const [nonce, c] of this.consumed) if (c.hash === hash && c.block <= this.head) return { nonce, block: c.block };
    return null;
  }

  async getTransactionReceipt(hash: string): Promise<TransactionReceipt | null> {
    this.calls.push('getTransactionReceipt');
    const m = this.mined(hash);
    if (!m) return null;
    return { hash, blockNumber: m.block, blockHash: this.blockHashOf(m.block), gasUsed: 50_000n, gasPrice: 2n, status: 1 } as unknown as TransactionReceipt;
  }

  async getTransaction(hash: string): Promise<TransactionResponse | null> {
    this.calls.push('getTransaction');
    const m = this.mined(hash);
    if (m) return { hash, blockNumber: m.block } as unknown as TransactionResponse;
    return this.pool.has(hash) ? ({ hash, blockNumber: null } as unknown as TransactionResponse) : null;
  }

  async getBlock(n: number): Promise<{ hash: string; number: number } | null> {
    this.calls.push('getBlock');
    return n <= this.head ? { hash: this.blockHashOf(n), number: n } : null;
  }

  async broadcastTransaction(raw: string): Promise<void> {
    this.calls.push('broadcastTransaction');
    this.sent.push(raw);
    this.pool.add(raw.replace('raw', 'hash'));
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
  }
}

function payout(nonce: number, over: Partial<PayoutEntity> = {}): PayoutEntity {
  return {
    id: `p${nonce}`,
    claimIds: [`c${nonce}`],
    token: 'USDC',
    signer: SIGNER,
    chainId: 31337,
    nonce: String(nonce),
    rawTx: `raw${nonce}`,
    txHashes: [`hash${nonce}`],
    status: 'submitted',
    broadcastAt: new Date(Date.now() - 60_000),
    createdAt: new Date(Date.now() - 60_000),
    lastBroadcastBlock: 99,
    reorgs: 0,
    cancelTxHash: null,
    ...over,
  } as PayoutEntity;
}

function world(open: PayoutEntity[], config: Partial<AppConfig> = {}) {
  const node = new FakeNode();
  const cfg = { confirmations: 1, stuckAfterBlocks: 3, crashAt: null, finalityDepth: node.finalDepth, ...config } as AppConfig;
  const chain = { chainId: 31337, provider: node } as unknown as ChainService;
  const txHost = { withTransaction: (fn: () => Promise<unknown>) => fn() } as unknown as TransactionHost;
  const settledIds: string[] = [];
  const droppedIds: string[] = [];
  const repo = {
    inFlight: async () => open.filter((p) => !settledIds.includes(p.id) && !droppedIds.includes(p.id)),
    settle: async (id: string) => (settledIds.includes(id) ? false : (settledIds.push(id), true)),
    drop: async (id: string) => (droppedIds.includes(id) ? false : (droppedIds.push(id), true)),
  } as unknown as PayoutsRepository;
  const byId = new Map(open.map((p) => [p.id, p]));
  const claims = {
    complete: async (payoutId: string) =>
      byId.get(payoutId)!.claimIds.map((id) => ({ id, wallet: `0xw${id}`, token: 'USDC', amountBase: '1000' })),
    requeueFromPayout: async (payoutId: string) => byId.get(payoutId)!.claimIds,
    noteError: async () => undefined,
    recordEvent: async () => undefined,
  } as unknown as ClaimLifecycle;
  const journals: { id: string; postings: Posting[] }[] = [];
  const ledger = {
    post: async (id: string, _kind: string, _ref: string, postings: Posting[]) => (journals.push({ id, postings }), true),
  } as unknown as LedgerService;
  const events = { publish: jest.fn() } as unknown as EventBus;
  const payments = { reissue: jest.fn(async () => undefined) } as unknown as PaymentQueue;
  const broadcaster = {
    broadcast: jest.fn(async (p: PayoutEntity) => node.broadcastTransaction(p.rawTx)),
  } as unknown as Broadcaster;
  const replacer = { replace: jest.fn(async () => true) } as unknown as Replacer;
  const funding = { sync: jest.fn(async () => []) } as unknown as FundingSync;
  const finality = {
    awaiting: async () => [],
    finalizedBlock: async (head: number) => head - node.finalDepth,
    watch: async () => ({ finalized: 0, reorged: 0 }),
  } as unknown as FinalityWatch;
  const handler = new SettlePayoutsHandler(
    chain,
    repo,
    new FundingWatch(funding, { check: async () => undefined } as unknown as FloorBreaker),
    new SettleWatch(cfg, txHost, chain, repo, claims, ledger, events),
    new DropWatch(txHost, chain, repo, claims, ledger, payments),
    new ResendWatch(chain, broadcaster),
    new ReplaceWatch(cfg, replacer),
    finality,
  );
  const tick = () => handler.execute(new SettlePayoutsCommand('test'));
  return { node, handler, tick, journals, settledIds, droppedIds, broadcaster, replacer, payments };
}

/** nonces 0..n-1 consumed by our own payouts, one per block from `firstBlock` */
function mine(node: FakeNode, payouts: PayoutEntity[], firstBlock: number): void {
  payouts.forEach((p, i) => node.consumed.set(Number(p.nonce), { block: firstBlock + i, hash: p.txHashes[p.txHashes.length - 1]! }));
}

describe('the in-flight watch asks the chain per block, not per payout', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  it('50 unmined payouts of one signer: a tick makes at most 3 RPC calls, a tick at the same head 1', async () => {
    const open = Array.from({ length: 50 }, (_, i) => payout(i));
    const w = world(open);
    open.forEach((p) => w.node.pool.add(p.txHashes[0]!));
    w.node.head = 100; // broadcast at 99: not yet worth asking the pool

    const r = await w.tick();
    expect(r).toMatchObject({ checked: 50, settled: 0, rebroadcast: 0, replaced: 0, dropped: 0 });
    expect(w.node.calls).toEqual(['getBlockNumber', 'getTransactionCount@head']);

    w.node.reset();
    await w.tick();
    expect(w.node.calls).toEqual(['getBlockNumber']); // same head: nothing can have changed

    w.node.reset();
    w.node.head = 101; // the next to mine has waited 2 blocks: only it is looked up in the pool
    await w.tick();
    expect(w.node.calls).toEqual(['getBlockNumber', 'getTransactionCount@head', 'getTransaction']);
    expect(w.node.calls.length).toBeLessThanOrEqual(3);
  });

  it('5 mined batch payouts of 200 claims: O(5) calls, each settled once with one journal of 400 postings', async () => {
    const open = Array.from({ length: 5 }, (_, i) =>
      payout(i, { claimIds: Array.from({ length: 200 }, (_, j) => `c${i}-${j}`), txHashes: [`hash${i}`, `hash${i}b`] }),
    );
    const w = world(open);
    mine(w.node, open, 95); // the replacements (newest hash) were mined: one receipt question each
    w.node.head = 100;

    const r = await w.tick();
    expect(r).toMatchObject({ checked: 5, settled: 5 });
    const count = (m: string) => w.node.calls.filter((c) => c === m).length;
    expect(count('getBlockNumber')).toBe(1);
    expect(count('getTransactionCount@head')).toBe(1);
    expect(count('getTransactionReceipt')).toBe(5);
    expect(count('getBlock')).toBe(5); // one per distinct block
    expect(w.node.calls.length).toBeLessThanOrEqual(12);
    expect(w.node.calls.length / 1000).toBeLessThan(0.5); // per claim
    const settle = w.journals.filter((j) => j.id.endsWith(':settle'));
    expect(settle).toHaveLength(5);
    expect(settle[0]!.postings).toHaveLength(400);
    expect(w.journals.filter((j) => j.id.endsWith(':gas'))).toHaveLength(5);
  });

  it('a receipt not yet deep is remembered: the payout is settled at depth without asking for it again', async () => {
    const open = [payout(0)];
    const w = world(open, { confirmations: 3 });
    mine(w.node, open, 100);
    w.node.head = 100;
    await w.tick();
    expect(w.settledIds).toEqual([]);
    w.node.reset();
    w.node.head = 102;
    expect((await w.tick()).settled).toBe(1);
    expect(w.node.calls).toEqual(['getBlockNumber', 'getTransactionCount@head', 'getBlock']);
  });

  it('a remembered receipt is forgotten once a reorg gives the nonce back; the new block settles it', async () => {
    const open = [payout(0)];
    const w = world(open, { confirmations: 3 });
    mine(w.node, open, 100);
    await w.tick(); // receipt in block 100 remembered
    w.node.consumed.clear(); // reorged out: back in the pool
    w.node.pool.add('hash0');
    w.node.head = 101;
    await w.tick();
    mine(w.node, open, 103);
    w.node.blockHashOf = (n) => `0xreorged${n}`;
    w.node.head = 105;
    w.node.reset();
    expect((await w.tick()).settled).toBe(1);
    expect(w.node.calls).toContain('getTransactionReceipt');
  });

  it('a payout with no claims (an approve) settles with its gas journal only', async () => {
    const open = [payout(0, { claimIds: [] })];
    const w = world(open);
    mine(w.node, open, 100);
    expect((await w.tick()).settled).toBe(1);
    expect(w.journals.map((j) => j.id)).toEqual(['payout:p0:gas']);
  });

  it('a next payout the node forgot: it and every payout above it are re-sent as stored, in nonce order', async () => {
    const open = [payout(3), payout(2), payout(4)];
    const w = world(open);
    w.node.consumed.set(0, { block: 50, hash: 'old0' });
    w.node.consumed.set(1, { block: 51, hash: 'old1' });
    w.node.head = 101; // broadcast at 99, nothing in the pool
    const r = await w.tick();
    expect(r.rebroadcast).toBe(3);
    expect(w.node.sent).toEqual(['raw2', 'raw3', 'raw4']);
    expect(w.replacer.replace).not.toHaveBeenCalled(); // re-sent, not re-signed
  });

  it('a stuck next payout the node has is replaced; those above it are not', async () => {
    const open = [payout(0), payout(1)];
    const w = world(open);
    open.forEach((p) => w.node.pool.add(p.txHashes[0]!));
    w.node.head = 102; // 3 blocks since its broadcast
    const r = await w.tick();
    expect(r.replaced).toBe(1);
    expect(w.replacer.replace).toHaveBeenCalledTimes(1);
    expect((w.replacer.replace as jest.Mock).mock.calls[0][0].id).toBe('p0');
  });

  it('a payout never broadcast is re-sent after 3 s, even at an unchanged head', async () => {
    const open = [payout(0), payout(1, { broadcastAt: null, lastBroadcastBlock: null, createdAt: new Date() })];
    const w = world(open);
    w.node.pool.add('hash0');
    await w.tick();
    expect(w.node.sent).toEqual([]); // its worker is still on it
    open[1]!.createdAt = new Date(Date.now() - 4000);
    w.node.reset();
    const r = await w.tick();
    expect(r.rebroadcast).toBe(1);
    expect(w.node.sent).toEqual(['raw1']);
    expect(w.node.calls).toEqual(['getBlockNumber', 'broadcastTransaction']);
  });

  it('drops only when the nonce is consumed at the final block and no hash of ours is in a block', async () => {
    const open = [payout(0), payout(1)];
    const w = world(open);
    w.node.consumed.set(0, { block: 95, hash: FOREIGN }); // consumed at head only (final is 90)
    w.node.head = 100;
    await w.tick();
    expect(w.droppedIds).toEqual([]);
    expect(w.node.calls).toContain('getTransactionCount@90');

    w.node.reset();
    w.node.head = 106; // final block 96: the foreign transaction is final
    const r = await w.tick();
    expect(r.dropped).toBe(1);
    expect(w.droppedIds).toEqual(['p0']);
    expect(w.payments.reissue).toHaveBeenCalledWith('c0');
  });

  it('asks for the final nonce only when a payout may have been dropped', async () => {
    const open = [payout(1)];
    const w = world(open);
    w.node.consumed.set(0, { block: 90, hash: 'an-earlier-payout' });
    w.node.consumed.set(1, { block: 100, hash: 'hash1' });
    expect((await w.tick()).settled).toBe(1);
    expect(w.node.calls.some((c) => /getTransactionCount@\d/.test(c))).toBe(false);
  });
});
