'use strict';
/**
 * Campaign scenario (issue 15): a whole campaign as an operator runs it, at BENCH_CAMPAIGN_CLAIMS (100,000)
 * claims, through the `payrail` CLI against the app on a dev chain of its own, with every process's memory
 * sampled once a second.
 *
 * 1. A dev chain (BENCH_BLOCK_MS, 1000 ms blocks) and, unless BENCH_RAW_TXS=0, the payouts bench's raw-chain
 *    baseline on it (pre-signed transfers from dev account 1): the ratio claims/s ÷ raw tx/s.
 * 2. The app (ROLE=all, one process; batched as the payouts bench's batched row: BATCH_MAX 200 or
 *    BENCH_BATCH_MAX; 1 signer, the dev treasury) with its own database and queue prefix.
 * 3. A CSV of N rows (wallet,token,amount,reason: fresh random wallets, USDC 0.01-1.00, unique reasons),
 *    written to the temp dir with a stream, never held in memory.
 * 4. `payrail programs create` with a budget of exactly the file's sum, then `payrail claims import FILE
 *    --program ID --json` (timed, its memory sampled), then `payrail claims watch --program ID --json` until it
 *    exits (0: all paid). Meanwhile the bench polls GET /v1/programs/:id/report every second: the progress
 *    line, and how fast the API answers while the campaign drains.
 * 5. Checks (any failing fails the scenario): the import created N and refused none, the watch exited 0 with
 *    N completed, the database holds exactly N claims of the program, all completed, summing to the file; the
 *    program's spent is that sum, reserved and remaining 0; the trial balance is balanced.
 *
 * Memory: VmRSS (RssAnon for Postgres, summed over all its processes, so shared buffers are not counted once
 * per backend) of the app, each CLI run, the chain node, Postgres and Redis. The drain runs from the first
 * claim `completed` to the last (processed_at); "at drain start/end" is the median of the samples in the
 * first/last 10 s of it (a quarter of it when shorter; one sample is a point on the GC saw), growth is end ÷ start − 1. Import and drain
 * overlap (claims are paid while the file is still being sent), so "growth after import" (from the 10 s
 * after the import ended) is also given: the drain with no intake.
 */
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { randomBytes, randomInt } = require('node:crypto');
const { root, openDb, API_SECRET, freePort, scratchStore, startBenchChain, appEnv, startApp, runNode, envInt, sleep, pidsNamed, memSampler } = require('./lib');
const { rawBaseline, progressReporter, cpuSnapshot, cpuBetween } = require('./payouts');
const { percentile, median, num, alignedTable, markdownTable } = require('./format');

const CLAIMS = envInt('BENCH_CAMPAIGN_CLAIMS', 100_000);
const BLOCK_MS = envInt('BENCH_BLOCK_MS', 1000);
const RAW_TXS = envInt('BENCH_RAW_TXS', 400);
const CHUNK = envInt('BENCH_CAMPAIGN_CHUNK', 500); // the CLI's default --chunk
const TIMEOUT_S = envInt('BENCH_CAMPAIGN_TIMEOUT_S', 3600);
const BATCH_MAX = process.env.BENCH_BATCH_MAX || '200';
const WINDOW_MS = 10_000;
const BIN = path.join(root, 'packages', 'cli', 'bin', 'payrail.js');
const USDC_DECIMALS = 6;

/** Cents as a USDC decimal string: 7 → "0.07", 100 → "1.00". */
const centsStr = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/** A decimal string in token units as base units (6 decimals), exactly. */
function toBase(s) {
  const [int, frac = ''] = String(s).split('.');
  return BigInt(int) * 10n ** BigInt(USDC_DECIMALS) + BigInt(frac.padEnd(USDC_DECIMALS, '0').slice(0, USDC_DECIMALS) || '0');
}

/** Writes the campaign CSV row by row through a stream (backpressure respected); returns the sum in cents. */
async function writeCsv(file, n, tag) {
  const out = fs.createWriteStream(file);
  let cents = 0;
  let buf = 'wallet,token,amount,reason\n';
  for (let i = 0; i < n; i++) {
    const c = 1 + randomInt(100);
    cents += c;
    buf += `0x${randomBytes(20).toString('hex')},USDC,${centsStr(c)},${tag}:${i}\n`;
    if (buf.length > 64 * 1024 || i === n - 1) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end();
  await once(out, 'finish');
  return cents;
}

/** GET /v1/programs/:id/report every second until stopped: counts by status and the API's answer time. */
function reportPoller(url, id, onCounts) {
  const polls = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      try {
        const res = await fetch(`${url}/v1/programs/${id}/report`, { headers: { authorization: `Bearer ${API_SECRET}` }, signal: AbortSignal.timeout(30_000) });
        const body = await res.json();
        const counts = res.ok ? Object.fromEntries(Object.entries(body.byStatus).map(([s, v]) => [s, v.count])) : null;
        polls.push({ t, ms: Date.now() - t, status: res.status, counts });
        if (counts) onCounts(counts);
      } catch (err) {
        polls.push({ t, ms: Date.now() - t, status: 0, error: err.message });
      }
      await sleep(Math.max(0, 1000 - (Date.now() - t)));
    }
  })();
  return {
    polls,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The median of `key` over the samples of `name` with from <= t <= to (null when there are none). */
function windowMedian(samples, name, key, from, to) {
  const xs = samples.filter((s) => s.t >= from && s.t <= to && s[name]).map((s) => s[name][key]);
  return xs.length ? median(xs) : null;
}

/** Per process: peak, at drain start, at import end, at drain end (MB), growth over the drain and after the import. */
function memoryRows(samples, names, { drainStart, drainEnd, importEnd }) {
  const MB = 1024;
  return Object.entries(names).map(([name, key]) => {
    const mine = samples.filter((s) => s[name]).map((s) => s[name][key]);
    const alive = (t) => samples.some((s) => s[name] && Math.abs(s.t - t) <= 1500);
    const through = alive(drainStart) && alive(drainEnd); // the CLI import ends before the drain does
    const at = (from, to) => (through ? windowMedian(samples, name, key, from, to) : null);
    // a short drain gets shorter windows, so that start and end never share a sample
    const w = Math.min(WINDOW_MS, (drainEnd - drainStart) / 4);
    const start = at(drainStart, drainStart + w);
    const end = at(drainEnd - w, drainEnd);
    // only when the import ended early enough for its window to end before the end's begins
    const afterImport = importEnd + w <= drainEnd - w ? at(importEnd, importEnd + w) : null;
    return {
      name,
      key,
      samples: mine.length,
      peakMb: mine.length ? Math.max(...mine) / MB : null,
      drainStartMb: start !== null ? start / MB : null,
      importEndMb: afterImport !== null ? afterImport / MB : null,
      drainEndMb: end !== null ? end / MB : null,
      growthPct: start && end !== null ? (end / start - 1) * 100 : null,
      growthAfterImportPct: afterImport && end !== null ? (end / afterImport - 1) * 100 : null,
    };
  });
}

async function run({ log, cleanup }) {
  const chain = await startBenchChain({ cleanup, blockMs: BLOCK_MS });
  log(`dev chain on ${chain.rpcUrl}, ${BLOCK_MS === 0 ? 'automine' : `a block every ${BLOCK_MS} ms`}; a campaign of ${CLAIMS} claims`);
  let raw = null;
  if (RAW_TXS > 0) {
    raw = await rawBaseline(chain, RAW_TXS, log);
    log(`raw chain: ${num(raw.perSec, 1)} tx/s (${raw.txs} pre-signed transfers in ${num(raw.seconds, 2)} s)`);
  }

  const store = scratchStore('camp');
  cleanup(store.cleanup);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await startApp(appEnv({ port, store, chain, role: 'all', extra: { BATCH_MAX } }), { name: 'payrail (campaign)', cleanup });
  const { db, close: closeDb } = await openDb(store, cleanup);
  log(`app up on ${url} (ROLE=all, BATCH_MAX=${BATCH_MAX}, 1 signer)`);

  const file = path.join(chain.dir, `campaign-${CLAIMS}.csv`);
  const tag = `bench-campaign-${randomBytes(4).toString('hex')}`;
  const csvStart = Date.now();
  const cents = await writeCsv(file, CLAIMS, tag);
  const budget = centsStr(cents);
  const sumBase = BigInt(cents) * 10n ** BigInt(USDC_DECIMALS - 2);
  log(`wrote ${CLAIMS} rows (${num(fs.statSync(file).size / 2 ** 20, 1)} MB, sum ${budget} USDC) in ${num((Date.now() - csvStart) / 1000, 1)} s`);

  const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME || '/tmp', PAYRAIL_URL: url, PAYRAIL_API_KEY: API_SECRET };
  const pids = { app: app.child.pid, chain: chain.pid, import: null, watch: null };
  const sampler = memSampler({
    app: () => [pids.app],
    'CLI claims import': () => [pids.import],
    'CLI claims watch': () => [pids.watch],
    'chain node': () => [pids.chain],
    'postgres (all processes)': () => pidsNamed('postgres'),
    redis: () => pidsNamed('redis-server'),
  });
  cleanup(async () => void sampler.stop());

  const created = await runNode([BIN, 'programs', 'create', '--name', `bench campaign ${CLAIMS}`, '--token', 'USDC', '--budget', budget, '--json'], cliEnv, { cleanup });
  if (created.code !== 0) throw new Error(`payrail programs create exited ${created.code}: ${created.stderr.trim()}`);
  const program = JSON.parse(created.stdout);
  log(`program ${program.id} with a budget of ${program.budget} USDC (payrail programs create: ${num(created.ms / 1000, 2)} s, the CLI's start-up included)`);

  const progress = progressReporter('paid', CLAIMS, log);
  const poller = reportPoller(url, program.id, (c) => progress.update((c.completed || 0) + (c.failed || 0) + (c.cancelled || 0)));
  cleanup(() => poller.stop());
  const cpuPids = { appPid: pids.app, chainPid: pids.chain };
  const cpuBefore = cpuSnapshot(cpuPids);

  const importStart = Date.now();
  const imported = await runNode([BIN, 'claims', 'import', file, '--program', program.id, '--chunk', String(CHUNK), '--json'], cliEnv, { cleanup, onSpawn: (c) => (pids.import = c.pid) });
  const importEnd = Date.now();
  let tally = null;
  try {
    tally = JSON.parse(imported.stdout.trim().split('\n').pop());
  } catch {
    /* checked below */
  }
  log(`payrail claims import: exit ${imported.code} in ${num(imported.ms / 1000, 1)} s (${num(CLAIMS / (imported.ms / 1000))} rows/s): ${imported.stdout.trim()}${imported.stderr.trim() ? ` / stderr: ${imported.stderr.trim().slice(0, 300)}` : ''}`);
  if (imported.code !== 0 && imported.code !== 2) throw new Error(`payrail claims import failed (exit ${imported.code}): ${imported.stderr.trim().slice(0, 500)}`);

  const watchStart = Date.now();
  let watchTimer;
  const watched = await Promise.race([
    runNode([BIN, 'claims', 'watch', '--program', program.id, '--json', '--interval', '2'], cliEnv, { cleanup, onSpawn: (c) => (pids.watch = c.pid) }),
    new Promise((_, reject) => (watchTimer = setTimeout(() => reject(new Error(`payrail claims watch still running after ${TIMEOUT_S} s (BENCH_CAMPAIGN_TIMEOUT_S)`)), TIMEOUT_S * 1000))),
  ]).finally(() => clearTimeout(watchTimer));
  progress.end();
  await poller.stop();
  const cpuPerClaim = cpuBetween(cpuBefore, cpuSnapshot(cpuPids), CLAIMS);
  await sleep(1000); // one more memory sample after the last completion
  const samples = sampler.stop();
  let watchCounts = null;
  try {
    watchCounts = JSON.parse(watched.stdout.trim().split('\n').pop());
  } catch {
    /* checked below */
  }
  log(`payrail claims watch: exit ${watched.code} after ${num(watched.ms / 1000, 1)} s: ${watched.stdout.trim()}`);

  const claims = (
    await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'completed')::int AS completed,
              coalesce(sum(amount_base), 0)::text AS "sumBase",
              (extract(epoch FROM min(processed_at)) * 1000)::float8 AS "firstDone",
              (extract(epoch FROM max(processed_at)) * 1000)::float8 AS "lastDone"
         FROM claims WHERE program_id = $1`,
      [program.id],
    )
  ).rows[0];
  const allClaims = (await db.query(`SELECT count(*)::int AS n FROM claims`)).rows[0].n;
  const payouts = (
    await db.query(
      `SELECT count(*)::int AS n, coalesce(sum(gas_used), 0)::float8 AS gas, coalesce(max(cardinality(claim_ids)), 0)::int AS "maxClaims"
         FROM payouts WHERE token = 'USDC' AND gas_used IS NOT NULL`,
    )
  ).rows[0];
  await closeDb();
  const headers = { authorization: `Bearer ${API_SECRET}` };
  const after = await (await fetch(`${url}/v1/programs/${program.id}`, { headers })).json();
  const trial = await (await fetch(`${url}/v1/ledger/trial-balance`, { headers })).json();

  const checks = [
    { what: `the import created ${CLAIMS}, refused 0, exit 0`, ok: imported.code === 0 && tally?.created === CLAIMS && tally?.refused === 0, detail: JSON.stringify(tally) },
    { what: `claims watch exited 0 with ${CLAIMS} completed`, ok: watched.code === 0 && watchCounts?.completed === CLAIMS, detail: `exit ${watched.code}, ${JSON.stringify(watchCounts)}` },
    { what: `exactly ${CLAIMS} claims in the database, all the program's`, ok: claims.n === CLAIMS && allClaims === CLAIMS, detail: `${claims.n} of the program, ${allClaims} in all` },
    { what: 'all completed', ok: claims.completed === CLAIMS, detail: `${claims.completed} completed` },
    { what: `the claims sum to the file's ${budget} USDC`, ok: BigInt(claims.sumBase) === sumBase, detail: `${claims.sumBase} base units` },
    { what: `the program's spent = ${budget}, reserved 0, remaining 0`, ok: toBase(after.spent) === sumBase && toBase(after.reserved) === 0n && toBase(after.remaining) === 0n, detail: `spent ${after.spent}, reserved ${after.reserved}, remaining ${after.remaining}` },
    { what: 'the trial balance is balanced', ok: trial.balanced === true, detail: JSON.stringify(trial.currencies) },
  ];

  const drainStart = claims.firstDone;
  const drainEnd = claims.lastDone;
  const drainSeconds = drainEnd && drainStart ? (drainEnd - drainStart) / 1000 : null;
  const drainPerSec = drainSeconds ? claims.completed / drainSeconds : null;
  const duringDrain = poller.polls.filter((p) => p.t >= drainStart && p.t <= drainEnd);
  const answerMs = duringDrain.filter((p) => p.status === 200).map((p) => p.ms).sort((a, b) => a - b);
  const memory = drainStart
    ? memoryRows(samples, { app: 'rss', 'CLI claims import': 'rss', 'CLI claims watch': 'rss', 'chain node': 'rss', 'postgres (all processes)': 'anon', redis: 'rss' }, { drainStart, drainEnd, importEnd })
    : [];
  const result = {
    scenario: 'campaign',
    settings: { claims: CLAIMS, blockMs: BLOCK_MS, batchMax: Number(BATCH_MAX), chunk: CHUNK, rawTxs: RAW_TXS, role: 'all', signers: 1, amounts: 'USDC 0.01-1.00, uniform in cents', sampleEveryMs: 1000, windowMs: WINDOW_MS },
    raw,
    program: { id: program.id, budget: program.budget, after },
    import: { seconds: imported.ms / 1000, rowsPerSec: CLAIMS / (imported.ms / 1000), exit: imported.code, tally, cliStartupSeconds: created.ms / 1000 },
    drain: { seconds: drainSeconds, perSec: drainPerSec, ratio: raw && drainPerSec ? drainPerSec / raw.perSec : null, startAfterImportStartS: drainStart ? (drainStart - importStart) / 1000 : null },
    totalSeconds: drainEnd ? (drainEnd - importStart) / 1000 : null,
    endToEndPerSec: drainEnd ? claims.completed / ((drainEnd - importStart) / 1000) : null,
    watch: { seconds: watched.ms / 1000, exit: watched.code, counts: watchCounts, afterImportS: (watchStart - importEnd) / 1000 },
    payouts: { count: payouts.n, claimsPerPayout: payouts.n ? claims.completed / payouts.n : null, maxClaims: payouts.maxClaims, gasPerClaim: claims.completed ? payouts.gas / claims.completed : null },
    api: { polls: duringDrain.length, errors: duringDrain.filter((p) => p.status !== 200).length, p50: percentile(answerMs, 50), p99: percentile(answerMs, 99), max: answerMs.length ? answerMs[answerMs.length - 1] : null },
    cpuMsPerClaim: cpuPerClaim,
    memory,
    checks,
    timeline: samples.map((s) => ({ ...s, t: (s.t - importStart) / 1000 })),
  };
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) {
    log(table(result));
    throw new Error(`campaign checks failed: ${failed.map((c) => `${c.what} (${c.detail})`).join('; ')}`);
  }
  return result;
}

const pct = (x) => (x === null || x === undefined ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`);

function figureRows(r) {
  return [
    ['claims imported and paid', num(r.settings.claims)],
    ['import (payrail claims import, whole process)', `${num(r.import.seconds, 1)} s, ${num(r.import.rowsPerSec)} rows/s`],
    ['drain (first to last claim completed)', `${num(r.drain.seconds, 1)} s, ${num(r.drain.perSec, 1)} claims/s`],
    ['total (import start to last completed)', `${num(r.totalSeconds, 1)} s, ${num(r.endToEndPerSec, 1)} claims/s`],
    ['raw chain baseline (same run, 1 sender)', r.raw ? `${num(r.raw.perSec, 1)} tx/s; drain ÷ raw ${num(r.drain.ratio, 2)}` : 'omitted (BENCH_RAW_TXS=0)'],
    ['payouts', `${num(r.payouts.count)}, ${num(r.payouts.claimsPerPayout, 1)} claims each (max ${r.payouts.maxClaims}), ${num(r.payouts.gasPerClaim)} gas/claim`],
    ['GET /v1/programs/:id/report during the drain', `p50 ${num(r.api.p50)} ms, p99 ${num(r.api.p99)} ms, max ${num(r.api.max)} ms (${r.api.polls} polls, ${r.api.errors} errors)`],
    ['payrail claims watch', `exit ${r.watch.exit} after ${num(r.watch.seconds, 1)} s: ${r.watch.counts ? `${num(r.watch.counts.completed)} completed` : '-'}`],
  ];
}

const MEM_HEADERS = ['process', 'peak MB', 'drain start MB', 'import end MB', 'drain end MB', 'growth over drain', 'growth after import'];
function memRows(r) {
  return r.memory.map((m) => [
    m.name + (m.key === 'anon' ? ' (RssAnon)' : ''),
    num(m.peakMb, 0),
    num(m.drainStartMb, 0),
    num(m.importEndMb, 0),
    num(m.drainEndMb, 0),
    pct(m.growthPct),
    pct(m.growthAfterImportPct),
  ]);
}

function notes(r) {
  const c = r.cpuMsPerClaim;
  const app = r.memory.find((m) => m.name === 'app');
  return [
    `the drain started ${num(r.drain.startAfterImportStartS, 1)} s after the import did (the two overlap); the watch started ${num(r.watch.afterImportS, 1)} s after the import ended`,
    `app RSS growth over the drain: ${pct(app?.growthPct)} (goal < 10%), after the import: ${pct(app?.growthAfterImportPct)}`,
    `CPU ms per claim: ${num(c.total, 2)} (app ${num(c.app, 2)}, postgres ${num(c.postgres, 2)}, chain node ${num(c.chain, 2)}, redis ${num(c.redis, 2)}, bench ${num(c.bench, 2)})`,
    `the CLI's start-up (payrail programs create, whole process): ${num(r.import.cliStartupSeconds, 2)} s`,
    ...r.checks.map((k) => `${k.ok ? 'ok' : 'FAILED'}: ${k.what} (${k.detail})`),
  ];
}

function table(r) {
  return [alignedTable(['figure', 'value'], figureRows(r), ['l', 'l']), '', alignedTable(MEM_HEADERS, memRows(r)), '', ...notes(r)].join('\n');
}

/** The markdown tables and notes beside the JSON, as campaign-<timestamp>.md. */
function files(r) {
  const s = r.settings;
  return {
    '.md': [
      '# Campaign bench',
      '',
      `${s.claims} USDC claims (${s.amounts}) imported with \`payrail claims import\` (chunks of ${s.chunk}) and paid by the app (ROLE=all, BATCH_MAX=${s.batchMax}, ${s.signers} signer) on a dev chain with ${s.blockMs} ms blocks; memory sampled every ${s.sampleEveryMs / 1000} s.`,
      '',
      markdownTable(['figure', 'value'], figureRows(r)),
      '',
      markdownTable(MEM_HEADERS, memRows(r)),
      '',
      ...notes(r).map((l) => `- ${l}`),
      '',
    ].join('\n'),
  };
}

module.exports = { run, table, files, centsStr, toBase };
