import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/**
 * Issue 3, acceptance 1: for each crash point, 30 claims, the worker process SIGKILLs itself there
 * (PAYRAIL_CRASH_AT), a new worker is started -> every claim completed, each wallet paid exactly its
 * entitlement on chain, trial balance zero, treasury ledger equal to the chain.
 */
const FAST_RECOVERY = { LEASE_SECONDS: '3', QUEUE_LOCK_MS: '2000', CONFIRM_POLL_MS: '250' };

describe.each(['after-nonce', 'after-persist', 'after-broadcast', 'after-mined'])('a worker killed %s', (point) => {
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

  it('leaves every claim paid exactly once after a new worker takes over', async () => {
    const crashing = await spawnApp(world, { ROLE: 'worker', PAYRAIL_CRASH_AT: point, ...FAST_RECOVERY });
    workers.push(crashing);
    const wallets = Array.from({ length: 10 }, () => freshWallet());
    const entitlements: Entitlement[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const token = i % 2 ? 'USDC' : 'ETH';
        const wallet = wallets[i % 10]!;
        const r = await http(api, 'POST', '/v1/claims', { wallet, token, amount: `0.0${(i % 9) + 1}`, reason: `crash:${point}:${i}` });
        expect(r.status).toBe(201);
        entitlements.push({ wallet, token, base: BigInt((i % 9) + 1) * (token === 'ETH' ? 10n ** 16n : 10n ** 4n) });
      }),
    );
    const exit = await Promise.race([crashing.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
    expect(exit).toBe('SIGKILL');
    expect(crashing.output()).toContain(`crash point ${point} reached`);

    const t0 = Date.now();
    workers.push(await spawnApp(world, { ROLE: 'worker', ...FAST_RECOVERY }));
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 30,
      120_000,
      `30 claims completed after the ${point} crash`,
    );
    const stats = await sql(world, `SELECT count(*)::int AS payouts, coalesce(sum(replacements),0)::int AS replacements FROM payouts`);
    // eslint-disable-next-line no-console
    console.log(`${point}: 30 claims completed ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart; payouts ${stats[0].payouts}, replacements ${stats[0].replacements}`);
    await expectPaidExactlyOnce(world, api, provider, entitlements);
  });
});
