import { ChildProcess, spawn } from 'node:child_process';
import { JsonRpcProvider } from 'ethers';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { freePort } from '../helpers/process';

/**
 * Issue 3, acceptances 5 and 6: Redis flushed (FLUSHALL) mid-run and then restarted, and Postgres
 * connections killed mid-run (pg_terminate_backend) -> every claim still completes, none twice.
 * Redis here is a private redis-server on a free port, so other test files never see the flush.
 */
function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

async function redisUp(port: number): Promise<void> {
  await waitFor(
    async () => {
      const r = new IORedis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        r.disconnect();
      }
    },
    10_000,
    `redis on ${port}`,
    100,
  );
}

const FAST = { LEASE_SECONDS: '4', QUEUE_LOCK_MS: '2000', CONFIRM_POLL_MS: '250' };

interface Body {
  wallet: string;
  token: string;
  amount: string;
  reason: string;
}

function bodies(n: number, tag: string): Body[] {
  return Array.from({ length: n }, (_, i) => ({ wallet: freshWallet(), token: i % 2 ? 'USDC' : 'ETH', amount: '0.02', reason: `${tag}:${i}` }));
}

function entitlementsOf(list: Body[]): Entitlement[] {
  return list.map((b) => ({ wallet: b.wallet, token: b.token, base: b.token === 'ETH' ? 2n * 10n ** 16n : 20_000n }));
}

/** POSTs every body; a request that fails (its connection was killed) is retried, as a client would. */
async function post(app: TestApp, list: Body[]): Promise<void> {
  await Promise.all(
    list.map(async (b) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const r = await http(app, 'POST', '/v1/claims', b).catch(() => null);
        if (r && (r.status === 200 || r.status === 201)) return;
        await new Promise((res) => setTimeout(res, 300));
      }
      throw new Error(`claim ${b.reason} could not be created`);
    }),
  );
}

async function submit(app: TestApp, n: number, tag: string, out: Entitlement[]): Promise<void> {
  const list = bodies(n, tag);
  out.push(...entitlementsOf(list));
  await post(app, list);
}

describe('pays once through infrastructure failures', () => {
  let provider: JsonRpcProvider;
  beforeAll(() => {
    provider = chainProvider(newWorldForProvider());
  });
  afterAll(() => provider?.destroy());

  function newWorldForProvider(): World {
    return { rpcUrl: process.env.PAYRAIL_E2E_RPC! } as World;
  }

  it('Redis flushed mid-run, then killed and restarted: all claims complete, none twice', async () => {
    const world = newWorld();
    const port = await freePort();
    let redis = startRedis(port);
    await redisUp(port);
    const app = await bootApp(world, { REDIS_URL: `redis://127.0.0.1:${port}`, ...FAST });
    try {
      const entitlements: Entitlement[] = [];
      await submit(app, 30, 'flush-a', entitlements);
      await waitFor(async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status <> 'pending'`))[0].n >= 5, 30_000, 'some claims under way');
      const admin = new IORedis({ port, host: '127.0.0.1' });
      await admin.flushall();
      admin.disconnect();
      await submit(app, 15, 'flush-b', entitlements);
      redis.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      await submit(app, 15, 'redis-down', entitlements); // committed in Postgres; the enqueue fails and is swept later
      redis = startRedis(port);
      await redisUp(port);
      const t0 = Date.now();
      await waitFor(
        async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 60,
        120_000,
        '60 claims completed after the flush and the restart',
        500,
      );
      // eslint-disable-next-line no-console
      console.log(`redis flush + restart: 60 claims completed ${((Date.now() - t0) / 1000).toFixed(1)} s after Redis came back`);
      await expectPaidExactlyOnce(world, app, provider, entitlements);
    } finally {
      await app.close().catch(() => undefined);
      redis.kill('SIGKILL');
    }
  });

  it('Postgres connections killed mid-run: all claims complete, none twice', async () => {
    const world = newWorld();
    const app = await bootApp(world, FAST);
    const admin = new Client({ connectionString: world.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    admin.on('error', () => undefined); // its own backend is never terminated, but a lost connection must not crash jest
    await admin.connect();
    const dbName = world.databaseUrl.split('/').pop()!;
    let killed = 0;
    try {
      const list = bodies(40, 'pgkill');
      const entitlements = entitlementsOf(list);
      const submitting = post(app, list);
      for (let round = 0; round < 6; round++) {
        await new Promise((r) => setTimeout(r, 700));
        const r = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
        killed += r.rows[0].n;
      }
      await submitting;
      await waitFor(
        async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 40,
        120_000,
        '40 claims completed after the connection kills',
        500,
      );
      // eslint-disable-next-line no-console
      console.log(`postgres kills: ${killed} backends terminated over 6 rounds; 40 claims completed`);
      expect(killed).toBeGreaterThan(0);
      await expectPaidExactlyOnce(world, app, provider, entitlements);
    } finally {
      await admin.end();
      await app.close().catch(() => undefined);
    }
  });
});
