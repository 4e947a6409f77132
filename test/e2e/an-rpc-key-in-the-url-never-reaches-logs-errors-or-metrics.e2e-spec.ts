import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';
import { RpcProxy } from '../chaos/rpc-proxy';

/**
 * Issue 12, finding 1: a hosted RPC URL carries its key (`.../v2/<key>`). Behind a relay at
 * `/v2/secret-rpc-key` that answers HTTP 500 to one request in four (the very first of each boot included),
 * the real app as a process (node dist/src/main.js, LOG_LEVEL=debug, stdout and stderr captured) and an app
 * in this process (LOG_LEVEL=debug, LOG_FILE) both boot (the eth_chainId probe is retried, logged with the
 * host only) and pay claims exactly once; afterwards no log line, /health/ready or /metrics body, database
 * row (claims' lastError, claim events, payouts...) or BullMQ job in Redis contains `secret-rpc-key`.
 */
describe('an RPC key in the URL never reaches logs, errors or metrics', () => {
  const KEY = 'secret-rpc-key';
  let world: World;
  let proxy: RpcProxy;
  let rpcUrl: string;
  let app: TestApp | undefined;
  let proc: AppProcess | undefined;
  let provider: JsonRpcProvider;
  let dir: string;
  let logFile: string;
  const env = {
    LOG_LEVEL: 'debug',
    RPC_TIMEOUT_MS: '3000',
    PAY_CLAIM_ATTEMPTS: '30',
    PAY_CLAIM_BACKOFF_MS: '300',
    RECONCILE_EVERY_MS: '500',
    RL_PER_MIN_IP: '100000',
  };

  beforeAll(async () => {
    world = newWorld();
    dir = mkdtempSync(join(tmpdir(), 'payrail-rpc-key-'));
    logFile = join(dir, 'app.log');
    proxy = new RpcProxy(world.rpcUrl);
    rpcUrl = await proxy.start(`/v2/${KEY}`);
    provider = chainProvider(world);
    proxy.failEveryRequest(4, 500); // the process's first RPC call (its boot probe) gets a 500
    proc = await spawnApp(world, { ...env, CHAIN_RPC_URL: rpcUrl, ROLE: 'all' });
    proxy.failEveryRequest(4, 500); // and so does this app's
    app = await bootApp(world, { ...env, CHAIN_RPC_URL: rpcUrl, ROLE: 'all', LOG_FILE: logFile });
  }, 120_000);
  afterAll(async () => {
    await proc?.kill();
    await app?.close();
    await proxy?.stop();
    provider?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('boots through the 500s, retrying the chain id probe and logging the host only', async () => {
    const out = proc!.output();
    const host = new URL(rpcUrl).host;
    expect(out).toMatch(new RegExp(`chain RPC at http://${host.replace(/\./g, '\\.')}: eth_chainId failed \\(attempt 1 of 5`));
    expect(out).toContain(`at http://${host};`); // the boot line names the chain's host
    expect(out).not.toContain(KEY);
  });

  it('pays claims through the flaky relay, then nothing the apps wrote or answer carries the key', async () => {
    const entitlements: Entitlement[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const wallet = freshWallet();
      const token = i % 2 ? 'USDC' : 'ETH';
      const target = i % 2 ? app! : proc!;
      const r = await http(target, 'POST', '/v1/claims', { wallet, token, amount: '0.25', reason: `rpc-key:${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
      entitlements.push({ wallet, token, base: token === 'ETH' ? 25n * 10n ** 16n : 250_000n });
    }
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n === ids.length,
      150_000,
      'claims completed through the flaky relay',
      500,
    );
    await new Promise((r) => setTimeout(r, 2000)); // a few reconciliation ticks through the relay
    expect(proxy.stats.failed).toBeGreaterThanOrEqual(10);

    // what an operator or a client can see
    const surfaces: [string, string][] = [];
    for (const [name, target] of [['process', proc!], ['in-process', app!]] as const) {
      surfaces.push([`${name} /health/ready`, JSON.stringify((await http(target, 'GET', '/health/ready', undefined, { auth: null })).body)]);
      surfaces.push([`${name} /metrics`, String((await http(target, 'GET', '/metrics', undefined, { auth: null })).body)]);
      for (const id of ids) surfaces.push([`${name} claim ${id}`, JSON.stringify((await http(target, 'GET', `/v1/claims/${id}`)).body)]);
    }
    surfaces.push(['admin queues', JSON.stringify((await http(app!, 'GET', '/admin/queues/api/queues?activeQueue=claims&status=failed', undefined, { auth: 'admin' })).body)]);
    // every row of every table (claims' last_error, claim_events.detail, payouts, alerts, ...)
    const tables = await sql<{ t: string }>(world, `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    for (const { t } of tables) {
      const rows = await sql<{ r: string }>(world, `SELECT x::text AS r FROM "${t}" x`);
      surfaces.push([`table ${t}`, rows.map((r) => r.r).join('\n')]);
    }
    // every BullMQ job of this world in Redis (failedReason, stacktrace, return values)
    const redis = new IORedis(world.env.REDIS_URL!);
    try {
      const keys = await redis.keys(`${world.env.QUEUE_PREFIX}:*`);
      for (const k of keys) {
        const type = await redis.type(k);
        if (type === 'hash') surfaces.push([`redis ${k}`, JSON.stringify(await redis.hgetall(k))]);
        else if (type === 'string') surfaces.push([`redis ${k}`, String(await redis.get(k))]);
        else if (type === 'list') surfaces.push([`redis ${k}`, (await redis.lrange(k, 0, -1)).join('\n')]);
      }
    } finally {
      redis.disconnect();
    }
    // the whole log output of both apps
    const logs = proc!.output() + '\n' + readFileSync(logFile, 'utf8');
    surfaces.push(['logs', logs]);
    // the relay's 500s did reach the logs (so the scan is meaningful), with the URL redacted
    expect(logs).toMatch(/\[REDACTED\]|server response 500|upstream unavailable/);

    const leaks = surfaces.filter(([, text]) => text.includes(KEY)).map(([where, text]) => `${where}: …${text.slice(Math.max(0, text.indexOf(KEY) - 200), text.indexOf(KEY) + 40)}…`);
    expect(leaks).toEqual([]);

    await expectPaidExactlyOnce(world, app!, provider, entitlements);
  });
});
