import { JsonRpcProvider } from 'ethers';
import { http, newWorld, sql, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/** API.md: on SIGTERM every role stops taking work, finishes or releases its leases, exits within 30 s. */
describe('SIGTERM during a run', () => {
  let world: World;
  let provider: JsonRpcProvider;
  const procs: AppProcess[] = [];

  beforeAll(() => {
    world = newWorld();
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    provider?.destroy();
  });

  it('drains the worker and the API within 30 s with exit 0; a new worker finishes the rest once', async () => {
    const api = await spawnApp(world, { ROLE: 'api' });
    const worker = await spawnApp(world, { ROLE: 'worker', LEASE_SECONDS: '4', QUEUE_LOCK_MS: '2000' });
    procs.push(api, worker);
    const entitlements: Entitlement[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const wallet = freshWallet();
        const r = await http(api, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '0.03', reason: `sigterm:${i}` });
        expect(r.status).toBe(201);
        entitlements.push({ wallet, token: 'USDC', base: 30_000n });
      }),
    );
    await waitFor(async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status <> 'pending'`))[0].n >= 3, 30_000, 'work under way');
    const t0 = Date.now();
    const code = await worker.kill('SIGTERM');
    const seconds = (Date.now() - t0) / 1000;
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(30);

    procs.push(await spawnApp(world, { ROLE: 'worker', LEASE_SECONDS: '4', QUEUE_LOCK_MS: '2000' }));
    await waitFor(async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 30, 90_000, '30 claims completed');
    await expectPaidExactlyOnce(world, api, provider, entitlements);
    const apiStop = Date.now();
    expect(await api.kill('SIGTERM')).toBe(0);
    expect((Date.now() - apiStop) / 1000).toBeLessThan(30);
    // eslint-disable-next-line no-console
    console.log(`SIGTERM: worker exited 0 in ${seconds.toFixed(1)} s, API in ${((Date.now() - apiStop) / 1000).toFixed(1)} s`);
  });
});
