import { READY_CACHE_MS } from '../../src/modules/health/api/health.controller';
import { RpcProxy } from '../chaos/rpc-proxy';
import { bootApp, http, newWorld, TestApp, World } from '../helpers/app';

/**
 * Issue 12, finding 8: /health/ready is open and unthrottled, and one check costs RPC calls (eth_chainId,
 * balances), a database round trip and Redis work. 100 concurrent probes share one check (counted at the RPC
 * through the proxy): at most a couple of eth_chainId calls, not one per probe. A probe after the 1 s cache
 * runs the check again. (That a down dependency still turns it 503 is ready-returns-503-when-redis-or-rpc-down.)
 */
describe('/health/ready: concurrent probes share one check', () => {
  let world: World;
  let proxy: RpcProxy;
  let app: TestApp;

  beforeAll(async () => {
    world = newWorld();
    proxy = new RpcProxy(world.rpcUrl);
    const url = await proxy.start();
    app = await bootApp(world, { ROLE: 'api', CHAIN_RPC_URL: url });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
  });

  it('100 concurrent GET /health/ready share one check per cache window; a later probe checks again', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // past any boot-time probe's cache
    const before = proxy.callsOf('eth_chainId');
    const started = Date.now();
    const rs = await Promise.all(Array.from({ length: 100 }, () => http(app, 'GET', '/health/ready', undefined, { auth: null })));
    const elapsed = Date.now() - started;
    for (const r of rs) expect(r.status).toBe(200);
    const during = proxy.callsOf('eth_chainId') - before;
    expect(during).toBeGreaterThanOrEqual(1);
    // one check per READY_CACHE_MS window the burst spanned (a busy machine stretches it), never one per probe
    expect(during).toBeLessThanOrEqual(Math.ceil(elapsed / READY_CACHE_MS) + 1);
    expect(during).toBeLessThan(10);

    await new Promise((r) => setTimeout(r, 1200));
    const again = proxy.callsOf('eth_chainId');
    expect((await http(app, 'GET', '/health/ready', undefined, { auth: null })).status).toBe(200);
    expect(proxy.callsOf('eth_chainId')).toBeGreaterThan(again);
  });
});
