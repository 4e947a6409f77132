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

/**
 * Runs `node args...` to its end (a CLI command): resolves {code, stdout, stderr, pid, ms}. `onSpawn(child)`
 * sees it start (to sample its memory); `cleanup` gets a kill, so a run still going is ended by the runner.
 */
function runNode(args, env, { cleanup, onSpawn } = {}) {
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (cleanup) cleanup(async () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  if (onSpawn) onSpawn(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? signal, stdout, stderr, pid: child.pid, ms: Date.now() - started }));
  });
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

/** An integer env knob of the bench (`def` when unset); anything but a non-negative integer throws, naming the key. */
function envInt(key, def) {
  const v = process.env[key];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, ms) a process has used, from /proc (Linux); 0 when it is gone or unreadable. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in USER_HZ (100) ticks
  } catch {
    return 0;
  }
}

/** Every process whose name is `comm` (postgres backends, redis-server). */
function pidsNamed(comm) {
  try {
    return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/**
 * Resident memory of a process in kB from /proc/<pid>/status: `rss` (VmRSS: what `ps` shows) and `anon`
 * (RssAnon: its private memory, without the shared mappings a Postgres backend counts again in each process).
 * null when the process is gone or /proc is not there (not Linux).
 */
function memKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) || [])[1]);
    const rss = field('VmRSS');
    return Number.isFinite(rss) ? { rss, anon: field('RssAnon') || 0 } : null;
  } catch {
    return null;
  }
}

/**
 * Samples the memory of named processes every `everyMs` (1 s) until `stop()`. `targets` maps a name to a
 * function returning the pids to add up for it now (none, or all gone: no sample for that name at that
 * tick). `samples()` gives [{t (ms since epoch), name: {rss, anon} (kB, summed over the pids)}].
 */
function memSampler(targets, { everyMs = 1000 } = {}) {
  const samples = [];
  const tick = () => {
    const row = { t: Date.now() };
    for (const [name, pidsOf] of Object.entries(targets)) {
      let sum = null;
      for (const pid of pidsOf().filter(Boolean)) {
        const m = memKb(pid);
        if (m) sum = { rss: (sum?.rss ?? 0) + m.rss, anon: (sum?.anon ?? 0) + m.anon };
      }
      if (sum) row[name] = sum;
    }
    samples.push(row);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    samples: () => samples,
    stop() {
      clearInterval(timer);
      tick();
      return samples;
    },
  };
}

/**
 * A pg client on the scenario's database and `close`, which ends it once, whoever asks first (the scenario when
 * it is done, or its cleanup).
 */
async function openDb(store, cleanup) {
  const { Client } = require('pg');
  const db = new Client({ connectionString: store.databaseUrl });
  await db.connect();
  let open = true;
  const close = async () => {
    if (open) {
      open = false;
      await db.end().catch(() => undefined);
    }
  };
  cleanup(close);
  return { db, close };
}

module.exports = { root, openDb, API_SECRET, ADMIN_TOKEN, freePort, startChild, wallets, scratchStore, startBenchChain, appEnv, startApp, runNode, envInt, sleep, cpuMs, pidsNamed, memKb, memSampler };
