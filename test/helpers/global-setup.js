// Jest globalSetup for e2e: one dev chain per run on a free port, one run id. Every test file then gets its
// own database, treasury account and queue prefix (test/helpers/app.ts), so files run in parallel.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { startDevchain, freePort } = require('../../scripts/devchain-lib');


async function requireService(name, check, howto) {
  try {
    await check();
  } catch (err) {
    throw new Error(`${name} is not reachable (${err.message}); start it: ${howto}`);
  }
}

module.exports = async function globalSetup() {
  const databaseBase = process.env.E2E_DATABASE_BASE || 'postgres://postgres@127.0.0.1:5432';
  const redisUrl = process.env.E2E_REDIS_URL || 'redis://127.0.0.1:6379';
  await requireService('Postgres', async () => {
    const c = new Client({ connectionString: `${databaseBase}/postgres`, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  }, 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
  await requireService('Redis', async () => {
    const IORedis = require('ioredis');
    const r = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await r.connect();
    await r.ping();
    r.disconnect();
  }, 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis');

  // Tests that run the app as separate processes (crashes, several workers) start the compiled build.
  const { spawnSync } = require('node:child_process');
  const root = path.resolve(__dirname, '..', '..');
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    encoding: 'utf8',
  });
  // type errors are npm test's type-check step's to report; only a build that emitted nothing is fatal here
  if (build.status !== 0 && !fs.existsSync(path.join(root, 'dist', 'src', 'main.js'))) {
    throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  }

  const runId = randomBytes(4).toString('hex');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `payrail-e2e-${runId}-`));
  const port = await freePort();
  const blockMs = Number(process.env.E2E_BLOCK_MS || 500);
  const chain = await startDevchain({ port, blockMs, file: path.join(dir, 'devchain.json'), log: () => undefined });
  globalThis.__PAYRAIL_E2E__ = { chain, dir, runId, databaseBase, redisUrl };
  Object.assign(process.env, {
    PAYRAIL_E2E_RUN: runId,
    PAYRAIL_E2E_DIR: dir,
    PAYRAIL_E2E_RPC: chain.rpcUrl,
    PAYRAIL_E2E_DB_BASE: databaseBase,
    PAYRAIL_E2E_REDIS: redisUrl,
    PAYRAIL_E2E_CHAIN_PORT: String(port),
  });
  if (process.env.PAYRAIL_E2E_STATE_FILE) {
    fs.writeFileSync(process.env.PAYRAIL_E2E_STATE_FILE, JSON.stringify({ runId, port, pid: process.pid }));
  }
};
