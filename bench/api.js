'use strict';
/**
 * API scenario (issue 4, acceptance 8): POST /v1/claims without and with an Idempotency-Key (unique keys and
 * unique reasons per request), against a bare Fastify route measured in the same run on the same machine.
 * Reports claims/s, p50 and p99, each as a ratio to the baseline, and the idempotency overhead on p50, at
 * three loads (saturating, paced at half the saturating rate, and one request in flight).
 *
 * Starts what it needs: a dev chain on a free port, a database and queue prefix of its own, the app
 * (ROLE=api, from src/main.ts via ts-node, LOG_LEVEL=warn) and the baseline server, each as a child
 * process; stops all of them and drops the database at the end. Rate limits are raised so the bench
 * measures throughput, not the limiter (the limiter still runs and still calls Redis on every request).
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const { freePort } = require('../scripts/devchain-lib');

const root = path.resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION || 5);
const WARMUP = Number(process.env.BENCH_WARMUP || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 6);
const API_SECRET = 'bench-client-secret';


/** Spawns a child and resolves once its output matches `ready`; `stop()` ends it (SIGTERM, then SIGKILL). */
async function startChild(name, args, env, ready, timeoutMs = 120_000) {
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
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${out.slice(-2000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, stop, output: () => out };
}

/** autocannon, plus every 2xx response time at full precision (its own histogram keeps whole milliseconds). */
function cannon(opts) {
  const autocannon = require('autocannon');
  const times = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve({ result, times })));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
}

/**
 * An open-loop load at a steady rate: one request every 1/rate s over a keep-alive pool of `connections`
 * sockets (autocannon's rate option releases each second's budget in a burst). Each latency is taken from
 * the moment the request was due, so a request that waited for a free socket counts its wait (no
 * coordinated omission).
 */
async function pacedLoad({ url, connections, duration, rate, build }) {
  const http = require('node:http');
  const { performance } = require('node:perf_hooks');
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const times = [];
  const counts = { total: 0, ok: 0, non2xx: 0, errors: 0 };
  const inflight = new Set();
  const send = (due, { path: p, headers, body }) =>
    new Promise((resolve) => {
      const req = http.request({ host: target.hostname, port: target.port, path: p, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 200 && res.statusCode < 300) {
            counts.ok++;
            times.push(performance.now() - due);
          } else counts.non2xx++;
          resolve();
        });
      });
      req.on('error', () => {
        counts.errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const interval = 1000 / rate;
  for (let n = 0; ; n++) {
    const due = start + n * interval;
    if (due - start >= duration * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    counts.total++;
    const pending = send(due, build(n));
    inflight.add(pending);
    void pending.then(() => inflight.delete(pending));
  }
  await Promise.all(inflight);
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  return {
    result: { requests: { total: counts.total }, '2xx': counts.ok, non2xx: counts.non2xx, errors: counts.errors, timeouts: 0, duration: elapsed },
    times,
  };
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function wallets(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push('0x' + randomBytes(20).toString('hex'));
  return out;
}

/** CPU time (ms) a process has used, from /proc (Linux; null elsewhere). */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, plus cutime + cstime: the children it has reaped (Postgres backends that exited)
    return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU ms used so far by the app (or baseline server), every Postgres process, Redis, and this load generator. */
function cpuSnapshot(appPid) {
  const own = process.cpuUsage();
  const snap = { app: cpuMs(appPid), postgres: 0, redis: 0, client: (own.user + own.system) / 1000 };
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let comm;
    try {
      comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue; // gone
    }
    if (comm === 'postgres') snap.postgres += cpuMs(pid) ?? 0;
    else if (comm === 'redis-server') snap.redis += cpuMs(pid) ?? 0;
  }
  return snap;
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** One autocannon run; every request gets a unique reason (a new claim) and, with `keys`, a unique key. */
async function measure(label, url, { path: p, auth, keys, duration, connections = CONNECTIONS, rate, appPid }) {
  const pool = wallets(500);
  const tag = randomBytes(4).toString('hex');
  let i = 0;
  const headers = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Bearer ${API_SECRET}`;
  const build = (n) => {
    const body = JSON.stringify({ wallet: pool[n % pool.length], token: 'USDC', amount: '0.01', reason: `bench:${tag}:${n}` });
    return { path: p, headers: keys ? { ...headers, 'idempotency-key': `bench-${tag}-${n}` } : headers, body };
  };
  const cpuBefore = appPid ? cpuSnapshot(appPid) : null;
  const { result, times } = rate
    ? await pacedLoad({ url, connections, duration, rate, build })
    : await cannon({
        url,
        connections,
        duration,
        requests: [
          {
            method: 'POST',
            path: p,
            headers,
            setupRequest: (req) => {
              const { headers: h, body } = build(i++);
              req.body = body;
              req.headers = h;
              return req;
            },
          },
        ],
      });
  const ok = result['2xx'];
  const cpuAfter = cpuBefore ? cpuSnapshot(appPid) : null;
  // CPU ms per answered request, by process: where a scenario's extra cost is spent
  const cpu = cpuBefore && cpuAfter && ok ? Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, (cpuAfter[k] - cpuBefore[k]) / ok])) : null;
  times.sort((a, b) => a - b);
  return {
    cpu,
    label,
    connections,
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    perSec: ok / result.duration,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / (times.length || 1),
  };
}

/** `cleanup(fn)` registers what to undo; the runner calls them all (last first) on success, failure or Ctrl-C. */
async function run({ log, cleanup }) {
  const runId = randomBytes(3).toString('hex');
  const dbBase = process.env.BENCH_DATABASE_BASE || 'postgres://postgres@127.0.0.1:5432';
  const dbName = `payrail_bench_${runId}`;
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `bench${runId}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `payrail-bench-${runId}-`));
  cleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  cleanup(async () => {
    // the bench's database and Redis keys go with it (runs after the app has stopped)
    const { Client } = require('pg');
    const c = new Client({ connectionString: `${dbBase}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).finally(() => c.end());
    const IORedis = require('ioredis');
    const r = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
    r.disconnect();
  });

  const { startDevchain } = require(path.join(root, 'scripts', 'devchain-lib'));
  const chainPort = await freePort();
  const chain = await startDevchain({ port: chainPort, blockMs: 1000, file: path.join(dir, 'devchain.json'), log: () => undefined });
  cleanup(() => chain.stop());
  log(`dev chain on ${chain.rpcUrl}`);

  const basePort = await freePort();
  const bare = await startChild('bare fastify', [path.join(__dirname, 'bare-fastify.js')], { PATH: process.env.PATH, PORT: String(basePort) }, /listening on/);
  cleanup(bare.stop);

  const appPort = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME || '/tmp',
    // not 'production': that refuses the dev chain's fallbacks (treasury = dev account 0, dev chain tokens)
    NODE_ENV: 'test',
    ROLE: 'api',
    PORT: String(appPort),
    HOST: '127.0.0.1',
    DATABASE_URL: `${dbBase}/${dbName}`,
    REDIS_URL: redisUrl,
    CHAIN_RPC_URL: chain.rpcUrl,
    DEVCHAIN_FILE: path.join(dir, 'devchain.json'),
    QUEUE_PREFIX: prefix,
    API_KEYS: `bench:${API_SECRET}`,
    ADMIN_TOKEN: 'bench-admin-token-at-least-32-characters',
    LOG_LEVEL: 'warn',
    RL_PER_MIN_IP: '1000000000',
    RL_CLAIMS_PER_HOUR_WALLET: '1000000000',
  };
  // BENCH_APP_NODE_ARGS: extra node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it
  const appNodeArgs = (process.env.BENCH_APP_NODE_ARGS || '').split(' ').filter(Boolean);
  const app = await startChild('payrail', [...appNodeArgs, '-r', 'ts-node/register/transpile-only', path.join(root, 'src', 'main.ts')], env, /listening on/);
  cleanup(app.stop);
  const appUrl = `http://127.0.0.1:${appPort}`;
  const bareUrl = `http://127.0.0.1:${basePort}`;
  log(`app on ${appUrl} (ROLE=api), baseline on ${bareUrl}; ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds`);

  // warm up both servers (JIT, pools, prepared plans) before measuring
  await measure('warmup', bareUrl, { path: '/bare', duration: WARMUP });
  await measure('warmup', appUrl, { path: '/v1/claims', auth: true, keys: false, duration: WARMUP });
  await measure('warmup', appUrl, { path: '/v1/claims', auth: true, keys: true, duration: WARMUP });

  // Three loads. Saturating: CONNECTIONS in flight as fast as they are answered, so p50 is mostly queueing
  // and tracks the CPU cost per request (reported as the throughput cost; not a latency figure). Paced: the
  // same connections at a fixed rate of half the saturating claims/s, so p50 is the latency of a request
  // while others are in flight. Light: 1 in flight, so p50 is the service time of one request. The p50
  // goal applies to the two latency loads.
  // BENCH_LOADS (e.g. "saturating,light") runs a subset; paced needs saturating's rate or BENCH_RATE
  const wantedLoads = (process.env.BENCH_LOADS || 'saturating,paced,light').split(',').map((x) => x.trim());
  const loads = [
    { name: 'saturating', connections: CONNECTIONS, latency: false },
    { name: 'paced', connections: CONNECTIONS, latency: true },
    { name: 'light', connections: 1, latency: true },
  ].filter((l) => wantedLoads.includes(l.name));
  const byLoad = [];
  for (const load of loads) {
    if (load.name === 'paced') {
      const saturating = byLoad.find((l) => l.name === 'saturating');
      if (!process.env.BENCH_RATE && !saturating) throw new Error('BENCH_LOADS: paced needs saturating in the run, or BENCH_RATE');
      load.rate = Number(process.env.BENCH_RATE) || Math.max(1, Math.round(saturating.rows[1].perSec / 2));
    }
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Paired and interleaved: each round measures the three back to back, and the route without and with
      // the key swap places every round, so drift (a growing table, a busy neighbour on the shared cores)
      // hits both alike; the overhead is then taken per round and summarised by its median.
      const opts = { duration: DURATION, connections: load.connections, rate: load.rate };
      const baseline = await measure('bare Fastify POST', bareUrl, { ...opts, path: '/bare', appPid: bare.child.pid });
      const runPlain = () => measure('POST /v1/claims', appUrl, { ...opts, path: '/v1/claims', auth: true, keys: false, appPid: app.child.pid });
      const runKeyed = () => measure('POST /v1/claims + Idempotency-Key', appUrl, { ...opts, path: '/v1/claims', auth: true, keys: true, appPid: app.child.pid });
      let plain, keyed;
      if (r % 2 === 0) {
        plain = await runPlain();
        keyed = await runKeyed();
      } else {
        keyed = await runKeyed();
        plain = await runPlain();
      }
      rounds.push({ baseline, plain, keyed });
      log(
        `${describeLoad(load)}, round ${r + 1}: baseline ${baseline.perSec.toFixed(0)}/s p50 ${baseline.p50.toFixed(2)} ms; ` +
          `claims ${plain.perSec.toFixed(0)}/s p50 ${plain.p50.toFixed(2)} ms; with key ${keyed.perSec.toFixed(0)}/s p50 ${keyed.p50.toFixed(2)} ms ` +
          `(${pct(keyed.p50 / plain.p50 - 1)})`,
      );
    }
    byLoad.push(summarise(load, rounds));
  }
  const latencyLoads = byLoad.filter((l) => l.latency);
  return {
    scenario: 'api',
    settings: { loads, durationSec: DURATION, warmupSec: WARMUP, rounds: ROUNDS, role: 'api', logLevel: 'warn', nodeEnv: 'production' },
    loads: byLoad,
    goal: {
      idempotencyP50OverheadBelow: 0.15,
      appliesTo: latencyLoads.map((l) => l.name),
      met: latencyLoads.length ? latencyLoads.every((l) => l.goalMet) : null, // null: no latency load in this run
    },
  };
}

function describeLoad(load) {
  const conns = `${load.connections} connection${load.connections === 1 ? '' : 's'}`;
  if (load.name === 'saturating') return `${conns}, saturating`;
  if (load.rate) return `${conns} at ${load.rate} req/s`;
  return `${conns} in flight`;
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/**
 * Medians over the rounds (robust to one round hit by a noisy neighbour), ratios to the baseline, and the
 * Idempotency-Key overhead: the median of the per-round paired ratios keyed/plain, with their range.
 */
function summarise(load, rounds) {
  const combine = (k) => ({
    label: rounds[0][k].label,
    perSec: median(rounds.map((r) => r[k].perSec)),
    p50: median(rounds.map((r) => r[k].p50)),
    p99: median(rounds.map((r) => r[k].p99)),
    requests: rounds.reduce((a, r) => a + r[k].requests, 0),
    non2xx: rounds.reduce((a, r) => a + r[k].non2xx, 0),
    errors: rounds.reduce((a, r) => a + r[k].errors, 0),
    cpuMsPerRequest: rounds[0][k].cpu ? Object.fromEntries(Object.keys(rounds[0][k].cpu).map((c) => [c, median(rounds.map((r) => r[k].cpu[c]))])) : null,
  });
  const base = combine('baseline');
  const rows = [base, combine('plain'), combine('keyed')].map((x) => ({
    ...x,
    throughputRatio: x.perSec / base.perSec,
    p50Ratio: x.p50 / base.p50,
    p99Ratio: x.p99 / base.p99,
  }));
  const paired = (f) => rounds.map((r) => f(r.keyed) / f(r.plain) - 1);
  const p50s = paired((x) => x.p50);
  const overhead = {
    p50: median(p50s),
    p99: median(paired((x) => x.p99)),
    throughput: median(paired((x) => x.perSec)),
    p50PerRound: p50s,
    p50Min: Math.min(...p50s),
    p50Max: Math.max(...p50s),
  };
  return { ...load, rows, idempotencyOverhead: overhead, goalMet: load.latency ? overhead.p50 < 0.15 : null, rounds };
}

function table(result) {
  const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const lines = [];
  for (const load of result.loads) {
    const what = {
      saturating: 'p50 is queueing here: it tracks the CPU cost per request',
      paced: 'half the saturating claims/s: p50 is the latency with others in flight',
      light: 'p50 is the service time of one request',
    }[load.name];
    lines.push(`${describeLoad(load)} (${what}):`);
    lines.push('scenario (medians over the rounds)    req/s    p50 ms   p99 ms   req/s÷base  p50÷base  p99÷base  non-2xx');
    lines.push('------------------------------------  -------  -------  -------  ----------  --------  --------  -------');
    for (const r of load.rows) {
      lines.push(
        `${r.label.padEnd(36)}  ${fmt(r.perSec, 0).padStart(7)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${fmt(r.throughputRatio, 3).padStart(10)}  ${fmt(r.p50Ratio, 1).padStart(8)}  ${fmt(r.p99Ratio, 1).padStart(8)}  ${String(r.non2xx + r.errors).padStart(7)}`,
      );
    }
    const withCpu = load.rows.filter((r) => r.cpuMsPerRequest);
    if (withCpu.length) {
      lines.push('CPU ms per answered request (medians; server = the app, or the bare route for the baseline):');
      for (const r of withCpu) {
        const c = r.cpuMsPerRequest;
        lines.push(`  ${r.label.padEnd(34)}  server ${fmt(c.app, 3)}  postgres ${fmt(c.postgres, 3)}  redis ${fmt(c.redis, 3)}  load generator ${fmt(c.client, 3)}`);
      }
    }
    const o = load.idempotencyOverhead;
    lines.push(
      `Idempotency-Key vs the same route without it (median of ${o.p50PerRound.length} paired rounds): p50 ${pct(o.p50)} ` +
        `(rounds ${pct(o.p50Min)} to ${pct(o.p50Max)}), p99 ${pct(o.p99)}, throughput ${pct(o.throughput)}` +
        (load.latency ? `  (goal p50 < +15%: ${load.goalMet ? 'met' : 'NOT met'})` : '  (throughput cost; the p50 goal is for the latency loads)'),
    );
    lines.push('');
  }
  const verdict = result.goal.met === null ? 'not evaluated (no latency load in this run: BENCH_LOADS)' : result.goal.met ? 'met' : 'NOT met';
  lines.push(`Goal: Idempotency-Key adds < 15% to p50 at the latency loads (${result.goal.appliesTo.join(', ') || 'none run'}): ${verdict}`);
  return lines.join('\n');
}

module.exports = { run, table };
