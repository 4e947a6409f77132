import { JsonRpcProvider, Transaction } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { RpcProxy } from '../chaos/rpc-proxy';

/**
 * Issue 3, acceptances 3 and 4, through the fault-injecting JSON-RPC proxy (test/chaos/rpc-proxy.ts)
 * between the app and the dev chain.
 */
describe('no double payment when the RPC misbehaves', () => {
  let world: World;
  let proxy: RpcProxy;
  let app: TestApp;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    world = newWorld();
    proxy = new RpcProxy(world.rpcUrl);
    const proxyUrl = await proxy.start();
    // one transaction per claim (BATCH_MAX=1): every 3rd broadcast faulted means many faulted payouts; a batch
    // run under faults is the 200-claim crash-point test's
    app = await bootApp(world, { CHAIN_RPC_URL: proxyUrl, RPC_TIMEOUT_MS: '1500', STUCK_AFTER_BLOCKS: '3', LEASE_SECONDS: '10', BATCH_MAX: '1' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    provider?.destroy();
  });

  async function payAll(n: number, tag: string): Promise<{ ids: string[]; entitlements: Entitlement[] }> {
    const entitlements: Entitlement[] = [];
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const wallet = freshWallet();
        const token = i % 2 ? 'USDC' : 'ETH';
        const r = await http(app, 'POST', '/v1/claims', { wallet, token, amount: '0.5', reason: `${tag}:${i}` });
        expect(r.status).toBe(201);
        ids.push(r.body.id);
        entitlements.push({ wallet, token, base: token === 'ETH' ? 5n * 10n ** 17n : 500_000n });
      }),
    );
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n === n,
      120_000,
      `${n} ${tag} claims completed`,
      500,
    );
    return { ids, entitlements };
  }

  const all: Entitlement[] = [];

  it('forward-then-timeout on every 3rd eth_sendRawTransaction: all completed, none paid twice', async () => {
    proxy.forwardThenTimeoutEvery('eth_sendRawTransaction', 3);
    const t0 = Date.now();
    const { entitlements } = await payAll(30, 'timeout');
    proxy.clear();
    all.push(...entitlements);
    // eslint-disable-next-line no-console
    console.log(`forward-then-timeout: 30 claims in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${proxy.stats.forwardedThenTimedOut} broadcasts unanswered`);
    expect(proxy.stats.forwardedThenTimedOut).toBeGreaterThanOrEqual(5);
    await expectPaidExactlyOnce(world, app, provider, all);
  });

  it('5xx, dropped connections and late receipts: all completed, none paid twice', async () => {
    proxy.failEvery('eth_getTransactionReceipt', 4, 503);
    proxy.dropEvery('eth_blockNumber', 5);
    proxy.delayReceipts(1500);
    const { entitlements } = await payAll(20, 'flaky');
    proxy.clear();
    all.push(...entitlements);
    expect(proxy.stats.failed + proxy.stats.dropped).toBeGreaterThan(0);
    await expectPaidExactlyOnce(world, app, provider, all);
  });

  it('a transaction withheld from mining for 5 blocks is replaced with a higher fee and paid once', async () => {
    proxy.withholdNext(1, 5);
    const { ids, entitlements } = await payAll(1, 'withheld');
    all.push(...entitlements);
    expect(proxy.stats.withheld).toBe(1);
    const [payout] = await sql(world, `SELECT tx_hashes, replacements, mined_tx_hash, max_fee_per_gas::text FROM payouts WHERE $1 = ANY(claim_ids)`, [ids[0]]);
    expect(payout.replacements).toBeGreaterThanOrEqual(1);
    expect(payout.tx_hashes.length).toBe(payout.replacements + 1);
    expect(payout.mined_tx_hash).not.toBe(payout.tx_hashes[0]); // the withheld original lost
    const first = await provider.getTransactionReceipt(payout.tx_hashes[0]);
    expect(first).toBeNull();
    // the replacement paid 12.5% more at least
    const mined = await provider.getTransaction(payout.mined_tx_hash);
    const original = Transaction.from(
      (await sql(world, `SELECT raw_tx FROM payouts WHERE $1 = ANY(claim_ids)`, [ids[0]]))[0].raw_tx,
    );
    expect(mined!.nonce).toBe(original.nonce);
    await waitFor(async () => proxy.stats.released === 1, 30_000, 'the withheld original released to the node');
    await new Promise((r) => setTimeout(r, 1500)); // a block or more after the release: it must not be mined
    expect(await provider.getTransactionReceipt(payout.tx_hashes[0])).toBeNull();
    const metrics = await http(app, 'GET', '/metrics', undefined, { auth: null });
    const line = String(metrics.body).split('\n').find((l) => l.startsWith('payrail_tx_replacements_total'));
    expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(1);
    const events = await http(app, 'GET', `/v1/claims/${ids[0]}/events`);
    expect(events.body.some((e: { detail: { replaced?: string } }) => e.detail.replaced === payout.tx_hashes[0])).toBe(true);
    await expectPaidExactlyOnce(world, app, provider, all);
  });
});
