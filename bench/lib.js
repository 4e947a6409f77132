'use strict';
/**
 * What the bench scenarios share: child processes that are ready when their output says so, a scratch
 * database and Redis key prefix per app instance (dropped again by the cleanup), a dev chain of the bench's
 * own, and the environment every app instance gets.
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, startDevchain } = require('../scripts/devchain-lib');

const root = path.resolve(__dirname, '..');
const API_SECRET = 'bench-client-secret';
const ADMIN_TOKEN = 'bench-admin-token-at-least-32-characters';
const DB_BASE = process.env.BENCH_DATABASE_BASE || 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Spawns a child and resolves once its output matches `ready`; `stop()` ends it (SIGTERM, then SIGKILL).
 * `cleanup` (the runner's registry) gets `stop` at spawn, so a child still booting is stopped too.
 */
async function startChild(name, args, env, ready, { timeoutMs = 120_000, cleanup } = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal || code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  if (cleanup) cleanup(stop);
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const err = new Error(`${name} exited before it was ready:\n${out.slice(-2000)}`);
      err.output = out;
      throw err;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, stop, output: () => out };
}

function wallets(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push('0x' + randomBytes(20).toString('hex'));
  return out;
}

/**
 * A database name and queue prefix of their own for one app instance; `cleanup` drops both (run it after
 * the app has stopped).
 */
function scratchStore(tag) {
  const id = `${tag}${randomBytes(3).toString('hex')}`;
  const dbName = `payrail_bench_${id}`;
  const prefix = `bench${id}`;
  const cleanup = async () => {
    const { Client } = require('pg');
    const c = new Client({ connectionString: `${DB_BASE}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).finally(() => c.end());
    const IORedis = require('ioredis');
    const r = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
    r.disconnect();
  };
  return { dbName, databaseUrl: `${DB_BASE}/${dbName}`, prefix, cleanup };
}

/** A temp directory and a dev chain on a free port, both undone by the runner's cleanup. */
async function startBenchChain({ cleanup, blockMs = 1000 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payrail-bench-'));
  cleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'devchain.json');
  const chain = await startDevchain({ port: await freePort(), blockMs, file, log: () => undefined });
  cleanup(() => chain.stop());
  return { ...chain, file, dir };
}

/**
 * The environment of an app instance under the bench: production mode, its own store, rate limits raised
 * so they never trigger (they still run on every request). `extra` adds or overrides keys.
 */
function appEnv({ port, store, chain, rpcUrl, role, extra = {} }) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME || '/tmp',
    // not 'production': that refuses the dev chain's fallbacks (treasury = dev account 0, dev chain tokens)
    NODE_ENV: 'test',
    ROLE: role,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: store.databaseUrl,
    REDIS_URL,
    CHAIN_RPC_URL: rpcUrl || chain.rpcUrl,
    DEVCHAIN_FILE: chain.file,
    QUEUE_PREFIX: store.prefix,
    API_KEYS: `bench:${API_SECRET}`,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    RL_PER_MIN_IP: '1000000000',
    RL_CLAIMS_PER_HOUR_WALLET: '1000000000',
    ...extra,
  };
}

/** Starts the app (src/main.ts through ts-node) with `env`, its stop registered with `cleanup`; BENCH_APP_NODE_ARGS adds node flags (e.g. --cpu-prof). */
function startApp(env, { name = 'payrail', cleanup } = {}) {
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS || '').split(' ').filter(Boolean);
  return startChild(name, [...nodeArgs, '-r', 'ts-node/register/transpile-only', path.join(root, 'src', 'main.ts')], env, /listening on/, { cleanup });
}

module.exports = { root, API_SECRET, ADMIN_TOKEN, freePort, startChild, wallets, scratchStore, startBenchChain, appEnv, startApp };
