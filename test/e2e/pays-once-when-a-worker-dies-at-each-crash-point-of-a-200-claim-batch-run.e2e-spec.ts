import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/**
 * Issue 13 acceptance: "a kill at each crash point during a 200-claim batch run pays each claim exactly once".
 * 200 claims (USDC and ETH, 20 fresh wallets) arrive in one bulk request, so the lane takes them into batches
 * (with its one-time USDC approval); the worker SIGKILLs itself at the crash point (before the signing
 * transaction commits, after it committed but before any broadcast, after the broadcast, in the watcher after
 * the batch is mined). A new worker takes over: every claim completed, each wallet holds exactly its
 * entitlement on chain, the books balance and equal the chain, the signer's nonce equals the chain's, and the
 * claims really went out in batches.
 */
const FAST_RECOVERY = { LEASE_SECONDS: '3', QUEUE_LOCK_MS: '2000', CONFIRM_POLL_MS: '250' };
const N = 200;

jest.setTimeout(240_000);

describe.each(['after-nonce', 'after-persist', 'after-broadcast', 'after-mined'])('a batching worker killed %s', (point) => {
  let world: World;
  let api: TestApp;
  let provider: JsonRpcProvider;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    world = newWorld();
    api = await bootApp(world, { ROLE: 'api' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await api?.close();
    provider?.destroy();
  });

  it('leaves all 200 claims paid exactly once after a new worker takes over', async () => {
    const wallets = Array.from({ length: 20 }, () => freshWallet());
    const entitlements: Entitlement[] = [];
    const items = Array.from({ length: N }, (_, i) => {
      const token = i % 4 === 0 ? 'ETH' : 'USDC';
      const wallet = wallets[i % 20]!;
      const units = BigInt((i % 9) + 1);
      entitlements.push({ wallet, token, base: units * (token === 'ETH' ? 10n ** 14n : 10n ** 3n) });
      return { wallet, token, amount: token === 'ETH' ? `0.000${units}` : `0.00${units}`, reason: `batch-crash:${point}:${i}` };
    });
    // the worker first (claims already waiting could reach its crash point before it reports ready), then
    // all 200 in one bulk request: committed together, so the first job's lane takes them into batches
    const crashing = await spawnApp(world, { ROLE: 'worker', PAYRAIL_CRASH_AT: point, ...FAST_RECOVERY });
    workers.push(crashing);
    const res = await http(api, 'POST', '/v1/claims/batch', { claims: items });
    expect(res.status).toBe(200);
    expect(res.body.items.filter((it: { status: number }) => it.status === 201)).toHaveLength(N);

    const exit = await Promise.race([crashing.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
    expect(exit).toBe('SIGKILL');
    expect(crashing.output()).toContain(`crash point ${point} reached`);

    const t0 = Date.now();
    workers.push(await spawnApp(world, { ROLE: 'worker', ...FAST_RECOVERY }));
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === N,
      180_000,
      `${N} claims completed after the ${point} crash`,
      500,
    );
    const [stats] = await sql(
      world,
      `SELECT count(*)::int AS payouts, count(*) FILTER (WHERE kind = 'batch')::int AS batches,
              max(cardinality(claim_ids))::int AS widest, coalesce(sum(replacements),0)::int AS replacements FROM payouts`,
    );
    // eslint-disable-next-line no-console
    console.log(`${point}: ${N} claims completed ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart; ${JSON.stringify(stats)}`);
    expect(stats.batches).toBeGreaterThan(0);
    expect(stats.widest).toBeGreaterThan(10);
    await expectPaidExactlyOnce(world, api, provider, entitlements);
  });
});
