'use strict';
/**
 * Payouts scenario (issue 13): how fast Payrail pays, against the ceiling of the chain it pays on, in ONE
 * run on ONE dev chain of its own (BENCH_BLOCK_MS, default 1000 ms blocks: a real chain's cadence is
 * slower still, so a 1 s dev chain flatters nobody).
 *
 * 1. Raw chain: BENCH_RAW_TXS pre-signed USDC transfers to fresh wallets from dev account 1 (not the app's
 *    treasury, account 0), sequential nonces, fired at the node and counted until all are mined: the
 *    ceiling for a single sender, and the baseline every other figure is a ratio to.
 * 2. Payrail end to end: the app (ROLE=all, a child process, its own database and queue prefix, rate limits
 *    raised) gets BENCH_CLAIMS fresh-wallet USDC claims POSTed over HTTP; claims/s from the first POST to the
 *    last claim `completed` (its processed_at), p50/p99 of POST → completed per claim. Unbatched
 *    (BATCH_MAX=1) with 1 signer; batched and 4 signers (TREASURY_PRIVATE_KEYS) only when the app supports
 *    them (see `support()`), else "n/a (not built yet)".
 * 3. The same behind bench/rpc-relay.js adding BENCH_RPC_DELAY_MS (50) per call, which also counts the
 *    app's RPC calls by method.
 * 4. Gas per USDC claim: the gas_used of every mined payout ÷ the claims completed.
 */
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { devAccounts, CHAIN_ID } = require('../scripts/devchain-lib');
const { root, openDb, API_SECRET, freePort, wallets, scratchStore, startBenchChain, appEnv, startApp, envInt, sleep, cpuMs, pidsNamed } = require('./lib');
const { startRpcRelay, countsBetween } = require('./rpc-relay');
const { percentile, num, alignedTable, markdownTable, svgBarChart, progressLine } = require('./format');

const UNBATCHED_CLAIMS = envInt('BENCH_CLAIMS', 1000);
/** Batched rows pay more claims (a 200-claim run is over in two blocks: latency, not throughput) and take them
 * through bulk intake (POST /v1/claims/batch, BENCH_BULK_CHUNK items per request), as a campaign would. */
const BATCH_CLAIMS = envInt('BENCH_BATCH_CLAIMS', 3000);
const BULK_CHUNK = envInt('BENCH_BULK_CHUNK', 500);
const RAW_TXS = envInt('BENCH_RAW_TXS', 400);
const BLOCK_MS = envInt('BENCH_BLOCK_MS', 1000);
const RPC_DELAY_MS = envInt('BENCH_RPC_DELAY_MS', 50);
const POST_CONNECTIONS = envInt('BENCH_POST_CONNECTIONS', 10);
const CLAIM_TIMEOUT_S = envInt('BENCH_CLAIM_TIMEOUT_S', 900);
const POOL_SIZE = 4;
const AMOUNT = '0.01';

const CONFIGS = [
  { key: 'unbatched-1-local', label: 'Payrail unbatched (BATCH_MAX=1), 1 signer', batched: false, signers: 1, relay: false },
  { key: 'batched-1-local', label: 'Payrail batched, 1 signer', batched: true, signers: 1, relay: false },
  { key: 'unbatched-4-local', label: `Payrail unbatched, ${POOL_SIZE} signers`, batched: false, signers: POOL_SIZE, relay: false },
  { key: 'batched-4-local', label: `Payrail batched, ${POOL_SIZE} signers`, batched: true, signers: POOL_SIZE, relay: false },
  { key: 'unbatched-1-relay', label: `Payrail unbatched, 1 signer, RPC +${RPC_DELAY_MS} ms`, batched: false, signers: 1, relay: true },
  { key: 'batched-1-relay', label: `Payrail batched, 1 signer, RPC +${RPC_DELAY_MS} ms`, batched: true, signers: 1, relay: true },
];

/**
 * Which configurations the app can run, read from its source: a config key the app does not read would
 * be ignored at boot and the bench would measure the unbatched path under a "batched" label. Batching
 * needs BATCH_MAX in src/config/config.ts AND something outside src/config using it; the signer pool
 * needs TREASURY_PRIVATE_KEYS in the config. A ConfigError at boot naming the key also marks it n/a.
 */
function support(srcDir = path.join(root, 'src')) {
  const configTs = fs.readFileSync(path.join(srcDir, 'config', 'config.ts'), 'utf8');
  const usedOutsideConfig = (identifier) => {
    const walk = (dir) =>
      fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return p !== path.join(srcDir, 'config') && walk(p);
        return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && new RegExp(`\\b${identifier}\\b`).test(fs.readFileSync(p, 'utf8'));
      });
    return walk(srcDir);
  };
  const batchKey = /['"`]BATCH_MAX['"`]/.test(configTs);
  const batching = batchKey && usedOutsideConfig('batchMax'); // a word: ethers' batchMaxCount is not it
  const pool = /TREASURY_PRIVATE_KEYS/.test(configTs);
  return {
    batching,
    batchingWhy: batching ? null : batchKey ? 'BATCH_MAX is parsed by src/config/config.ts but nothing in src/ uses batchMax' : 'src/config/config.ts has no BATCH_MAX',
    pool,
    poolWhy: pool ? null : 'src/config/config.ts has no TREASURY_PRIVATE_KEYS',
  };
}

/**
 * Where the machine's CPU goes during a run: the app process, every Postgres process, the chain node, Redis
 * and the bench itself (client and relay). Read before and after; a Postgres backend that exits in between
 * loses its share (pools keep theirs open). Linux only: elsewhere every figure is 0.
 */
function cpuSnapshot({ appPid, chainPid }) {
  const sum = (pids) => pids.reduce((t, p) => t + cpuMs(p), 0);
  const self = process.cpuUsage();
  return {
    app: cpuMs(appPid),
    postgres: sum(pidsNamed('postgres')),
    chain: chainPid ? cpuMs(chainPid) : 0,
    redis: sum(pidsNamed('redis-server')),
    bench: (self.user + self.system) / 1000,
  };
}

function cpuBetween(before, after, claims) {
  const perClaim = {};
  for (const k of Object.keys(before)) perClaim[k] = Math.max(0, after[k] - before[k]) / claims;
  perClaim.total = Object.values(perClaim).reduce((a, b) => a + b, 0);
  return perClaim;
}

async function rpc(url, method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Runs `fn(i)` for i in [0, n) on `concurrency` loops. */
async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** The ceiling: `n` pre-signed fresh-wallet USDC transfers from one sender, from the first send until all are mined. */
async function rawBaseline(chain, n, log) {
  const { Wallet, Interface } = require('ethers');
  const sender = new Wallet(devAccounts(2)[1].privateKey);
  const usdc = chain.info.tokens.USDC.address;
  const iface = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);
  const nonce0 = Number(BigInt(await rpc(chain.rpcUrl, 'eth_getTransactionCount', [sender.address, 'pending'])));
  const latest = await rpc(chain.rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  const prio = 1_000_000_000n;
  const fees = { type: 2, chainId: CHAIN_ID, maxPriorityFeePerGas: prio, maxFeePerGas: BigInt(latest.baseFeePerGas) * 4n + prio };
  const to = wallets(n);
  const raws = [];
  for (let i = 0; i < n; i++) {
    raws.push(await sender.signTransaction({ ...fees, nonce: nonce0 + i, to: usdc, gasLimit: 100_000n, data: iface.encodeFunctionData('transfer', [to[i], 10_000n]) }));
  }
  log(`raw chain: ${n} transfers signed by ${sender.address}; firing them`);
  const t0 = performance.now();
  const hashes = new Array(n);
  await pool(n, 4, async (i) => {
    hashes[i] = await rpc(chain.rpcUrl, 'eth_sendRawTransaction', [raws[i]]);
  });
  const sentMs = performance.now() - t0;
  while (Number(BigInt(await rpc(chain.rpcUrl, 'eth_getTransactionCount', [sender.address, 'latest']))) < nonce0 + n) await sleep(20);
  const seconds = (performance.now() - t0) / 1000;
  const [first, last] = await Promise.all([hashes[0], hashes[n - 1]].map((h) => rpc(chain.rpcUrl, 'eth_getTransactionReceipt', [h])));
  if (first.status !== '0x1' || last.status !== '0x1') throw new Error('raw chain: a baseline transfer reverted');
  const gasPerTransfer = Number(BigInt(last.gasUsed));
  const block = await rpc(chain.rpcUrl, 'eth_getBlockByNumber', [last.blockNumber, false]);
  const blockGasLimit = Number(BigInt(block.gasLimit));
  return {
    txs: n,
    sendSeconds: sentMs / 1000,
    seconds,
    perSec: n / seconds,
    blocks: Number(BigInt(last.blockNumber)) - Number(BigInt(first.blockNumber)) + 1,
    gasPerTransfer,
    blockGasLimit,
    // what the chain could carry if blocks were full of such transfers
    gasCeilingPerSec: BLOCK_MS > 0 ? blockGasLimit / gasPerTransfer / (BLOCK_MS / 1000) : null,
  };
}

/** A single updating line on a TTY, a line every 5 s otherwise. */
function progressReporter(label, total, log) {
  const tty = Boolean(process.stdout.isTTY);
  const t0 = performance.now();
  let lastLine = 0;
  return {
    update(done) {
      const elapsed = performance.now() - t0;
      const line = progressLine(label, done, total, elapsed);
      if (tty) process.stdout.write(`\r  ${line}\x1b[K`);
      else if (elapsed - lastLine >= 5000 || done >= total) {
        lastLine = elapsed;
        log(line);
      }
    },
    end() {
      if (tty) process.stdout.write('\n');
    },
  };
}

/** One configuration of the app: boots it, POSTs the claims, waits for every one to settle, reads the figures. */
async function runConfig(cfg, { chain, cleanup, log, supported }) {
  if (cfg.batched && !supported.batching) return { ...cfg, available: false, why: supported.batchingWhy };
  if (cfg.signers > 1 && !supported.pool) return { ...cfg, available: false, why: supported.poolWhy };
  const store = scratchStore('pay');
  cleanup(store.cleanup);
  let relay = null;
  if (cfg.relay) {
    relay = await startRpcRelay({ upstream: chain.rpcUrl, delayMs: RPC_DELAY_MS });
    cleanup(relay.stop);
  }
  const extra = { BATCH_MAX: cfg.batched ? process.env.BENCH_BATCH_MAX || '200' : '1' };
  if (cfg.signers > 1) {
    // dev accounts 2.. (0 is the default treasury, 1 sends the raw baseline); all funded by the dev chain
    extra.TREASURY_PRIVATE_KEYS = devAccounts(2 + cfg.signers).slice(2).map((a) => a.privateKey).join(',');
  }
  const port = await freePort();
  let app;
  try {
    app = await startApp(appEnv({ port, store, chain, rpcUrl: relay?.url, role: 'all', extra }), { name: `payrail (${cfg.key})`, cleanup });
  } catch (err) {
    // a ConfigError ends boot with one line "payrail: KEY: why" (src/main.ts)
    const configError = (err.output || '').split('\n').find((l) => /^payrail: (BATCH_MAX|TREASURY_PRIVATE_KEYS?)\b/.test(l));
    if (configError) return { ...cfg, available: false, why: configError.trim() };
    throw err;
  }
  const { db, close: closeDb } = await openDb(store, cleanup);
  const url = `http://127.0.0.1:${port}`;
  const CLAIMS = cfg.batched ? BATCH_CLAIMS : UNBATCHED_CLAIMS;
  log(`${cfg.label}: app up on ${url}${relay ? ` behind the relay ${relay.url}` : ''}; posting ${CLAIMS} claims${cfg.batched ? ` in bulk requests of ${BULK_CHUNK}` : ''}`);

  const rpcBefore = relay?.counts();
  const cpuPids = { appPid: app.child.pid, chainPid: chain.pid };
  const cpuBefore = cpuSnapshot(cpuPids);
  const to = wallets(CLAIMS);
  const postedAt = new Map();
  const firstPost = Date.now();
  const progress = progressReporter(cfg.key, CLAIMS, log);
  let postError = null;
  let posting = true;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_SECRET}` };
  const claim = (i) => ({ wallet: to[i], token: 'USDC', amount: AMOUNT, reason: `bench payout ${i}` });
  const posts = (cfg.batched
    ? pool(Math.ceil(CLAIMS / BULK_CHUNK), 2, async (k) => {
        const at = Date.now();
        const items = [];
        for (let i = k * BULK_CHUNK; i < Math.min(CLAIMS, (k + 1) * BULK_CHUNK); i++) items.push(claim(i));
        const res = await fetch(`${url}/v1/claims/batch`, { method: 'POST', headers, body: JSON.stringify({ claims: items }) });
        const body = await res.json();
        if (res.status >= 300) throw new Error(`POST /v1/claims/batch answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        for (const it of body.items) {
          if (it.status !== 201) throw new Error(`POST /v1/claims/batch: an item answered ${it.status}: ${JSON.stringify(it).slice(0, 300)}`);
          postedAt.set(it.claim.id, at);
        }
      })
    : pool(CLAIMS, POST_CONNECTIONS, async (i) => {
        const at = Date.now();
        const res = await fetch(`${url}/v1/claims`, { method: 'POST', headers, body: JSON.stringify(claim(i)) });
        const body = await res.json();
        if (res.status >= 300) throw new Error(`POST /v1/claims answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        postedAt.set(body.id, at);
      }))
    .catch((err) => (postError = err))
    .finally(() => (posting = false));

  const deadline = Date.now() + CLAIM_TIMEOUT_S * 1000;
  let settled = { completed: 0, failed: 0 };
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status IN ('failed', 'cancelled'))::int AS failed FROM claims`,
    );
    settled = rows[0];
    progress.update(settled.completed + settled.failed);
    if (postError) break;
    if (!posting && settled.completed + settled.failed >= CLAIMS) break;
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  progress.end();
  await posts;
  if (postError) throw postError;
  const rpcCalls = relay ? countsBetween(rpcBefore, relay.counts()) : null;
  const cpuPerClaim = cpuBetween(cpuBefore, cpuSnapshot(cpuPids), CLAIMS);

  const done = (await db.query(`SELECT id, (extract(epoch FROM processed_at) * 1000)::float8 AS at FROM claims WHERE status = 'completed'`)).rows;
  const latencies = done.map((r) => (r.at - postedAt.get(r.id)) / 1000).sort((a, b) => a - b);
  const seconds = done.length ? (Math.max(...done.map((r) => r.at)) - firstPost) / 1000 : null; // none completed: no rate
  const gas = (
    await db.query(
      `SELECT count(*)::int AS payouts, coalesce(sum(gas_used), 0)::float8 AS gas, coalesce(sum(cardinality(claim_ids)), 0)::int AS claims,
              coalesce(max(cardinality(claim_ids)), 0)::int AS "maxClaims", count(DISTINCT signer)::int AS signers
         FROM payouts WHERE token = 'USDC' AND gas_used IS NOT NULL`, // every mined payout, whatever its status now
    )
  ).rows[0];
  const timedOut = settled.completed + settled.failed < CLAIMS;

  await closeDb();
  await app.stop();
  if (relay) await relay.stop();
  await store.cleanup();

  return {
    ...cfg,
    available: true,
    claims: CLAIMS,
    completed: settled.completed,
    failed: settled.failed,
    timedOut,
    seconds,
    perSec: timedOut || !seconds ? null : settled.completed / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    // all the gas the mined payouts burnt (a reverted one too) over the claims completed
    gasPerClaim: settled.completed ? gas.gas / settled.completed : null,
    payouts: gas.payouts,
    claimsPerPayout: gas.payouts ? gas.claims / gas.payouts : null,
    maxClaimsPerPayout: gas.maxClaims,
    signersUsed: gas.signers,
    // CPU ms per claim by process; the machine's cores ÷ the total bound claims/s whatever the code waits on
    cpuMsPerClaim: cpuPerClaim,
    cpuBoundPerSec: cpuPerClaim.total > 0 ? (require('node:os').cpus().length * 1000) / cpuPerClaim.total : null,
    rpc: rpcCalls && {
      ...rpcCalls,
      perClaim: rpcCalls.calls / CLAIMS,
      byMethodPerClaim: Object.fromEntries(Object.entries(rpcCalls.byMethod).sort((a, b) => b[1] - a[1]).map(([m, k]) => [m, k / CLAIMS])),
    },
  };
}

async function run({ log, cleanup }) {
  const supported = support();
  const chain = await startBenchChain({ cleanup, blockMs: BLOCK_MS });
  log(`dev chain on ${chain.rpcUrl}, ${BLOCK_MS === 0 ? 'automine' : `a block every ${BLOCK_MS} ms`}; ${UNBATCHED_CLAIMS} claims per unbatched configuration, ${BATCH_CLAIMS} per batched one, ${RAW_TXS} raw transfers`);
  const raw = await rawBaseline(chain, RAW_TXS, log);
  log(`raw chain: ${num(raw.perSec, 1)} tx/s (${raw.txs} in ${num(raw.seconds, 2)} s over ${raw.blocks} block(s)), ${num(raw.gasPerTransfer)} gas per transfer`);
  const configs = [];
  for (const cfg of CONFIGS) {
    const r = await runConfig(cfg, { chain, cleanup, log, supported });
    if (r.available && r.perSec !== null) r.ratio = r.perSec / raw.perSec;
    if (r.available && cfg.batched && r.maxClaimsPerPayout <= 1) r.note = 'no payout carried more than one claim';
    log(r.available ? `${cfg.label}: ${num(r.perSec, 2)} claims/s, p50 ${num(r.p50, 2)} s, p99 ${num(r.p99, 2)} s${r.timedOut ? ` (TIMED OUT: ${r.completed}/${r.claims} completed)` : ''}` : `${cfg.label}: n/a (${r.why})`);
    configs.push(r);
  }
  const local = configs.find((c) => c.key === 'unbatched-1-local');
  const remote = configs.find((c) => c.key === 'unbatched-1-relay');
  const batchedLocal = configs.find((c) => c.key === 'batched-1-local');
  const batchedRemote = configs.find((c) => c.key === 'batched-1-relay');
  const pool4 = configs.find((c) => c.key === 'unbatched-4-local');
  // the chain's ceiling for claims as Payrail pays them in batches: block gas ÷ gas per batched claim ÷ block time
  const batchedCeiling = batchedLocal?.gasPerClaim && BLOCK_MS > 0 ? raw.blockGasLimit / batchedLocal.gasPerClaim / (BLOCK_MS / 1000) : null;
  return {
    scenario: 'payouts',
    settings: { claims: UNBATCHED_CLAIMS, batchedClaims: BATCH_CLAIMS, bulkChunk: BULK_CHUNK, rawTxs: RAW_TXS, blockMs: BLOCK_MS, rpcDelayMs: RPC_DELAY_MS, postConnections: POST_CONNECTIONS, amount: `${AMOUNT} USDC`, role: 'all', nodeEnv: 'production', logLevel: 'warn' },
    support: supported,
    raw,
    configs,
    remoteOverLocal: local?.perSec && remote?.perSec ? remote.perSec / local.perSec : null,
    batchedRemoteOverLocal: batchedLocal?.perSec && batchedRemote?.perSec ? batchedRemote.perSec / batchedLocal.perSec : null,
    batchedCeiling,
    batchedOverCeiling: batchedCeiling && batchedLocal?.perSec ? batchedLocal.perSec / batchedCeiling : null,
    fourOverOneUnbatched: pool4?.perSec && local?.perSec ? pool4.perSec / local.perSec : null,
  };
}

/** The rows shared by the text table and the markdown file. */
function rows(result) {
  const { raw } = result;
  const out = [[`raw chain: pre-signed USDC transfers, 1 sender`, raw.txs, num(raw.seconds, 2), num(raw.perSec, 1), '1', '-', '-', num(raw.gasPerTransfer), '-']];
  for (const c of result.configs) {
    if (!c.available) {
      out.push([c.label, '-', '-', 'n/a (not built yet)', '-', '-', '-', '-', '-']);
      continue;
    }
    out.push([
      c.label + (c.timedOut ? ` (timed out: ${c.completed}/${c.claims})` : '') + (c.failed ? ` (${c.failed} failed)` : ''),
      c.claims,
      num(c.seconds, 2),
      num(c.perSec, 2),
      num(c.ratio, 3),
      num(c.p50, 2),
      num(c.p99, 2),
      num(c.gasPerClaim),
      c.rpc ? num(c.rpc.perClaim, 1) : '-',
    ]);
  }
  return out;
}
const HEADERS = ['configuration', 'claims', 'seconds', 'claims/s', '÷ raw', 'p50 s', 'p99 s', 'gas/claim', 'RPC calls/claim'];

function notes(result) {
  const lines = [];
  const { raw } = result;
  lines.push(`raw chain: the node accepted the ${raw.txs} transfers in ${num(raw.sendSeconds, 2)} s; all mined ${num(raw.seconds, 2)} s after the first send, over ${raw.blocks} block(s)`);
  if (raw.gasCeilingPerSec) lines.push(`gas ceiling: block gas limit ${num(raw.blockGasLimit)} ÷ ${num(raw.gasPerTransfer)} gas ÷ ${result.settings.blockMs / 1000} s = ${num(raw.gasCeilingPerSec)} transfers/s`);
  for (const c of result.configs.filter((x) => x.rpc)) {
    const by = Object.entries(c.rpc.byMethodPerClaim).map(([m, k]) => `${m} ${num(k, 2)}`).join(', ');
    lines.push(`RPC calls per claim, ${c.label}: ${num(c.rpc.perClaim, 2)} (${by})`);
  }
  if (result.remoteOverLocal !== null) lines.push(`claims/s with RPC +${result.settings.rpcDelayMs} ms ÷ claims/s with the local RPC (unbatched, 1 signer): ${num(result.remoteOverLocal, 2)}`);
  if (result.batchedRemoteOverLocal != null) lines.push(`claims/s with RPC +${result.settings.rpcDelayMs} ms ÷ claims/s with the local RPC (batched, 1 signer): ${num(result.batchedRemoteOverLocal, 2)}`);
  if (result.batchedCeiling != null) lines.push(`gas ceiling for batched claims: block gas limit ${num(raw.blockGasLimit)} ÷ ${num(result.configs.find((c) => c.key === 'batched-1-local').gasPerClaim)} gas per batched claim ÷ ${result.settings.blockMs / 1000} s = ${num(result.batchedCeiling)} claims/s; batched, 1 signer reached ${num(result.batchedOverCeiling, 2)}x of it`);
  if (result.fourOverOneUnbatched != null) lines.push(`4 signers ÷ 1 signer, unbatched: ${num(result.fourOverOneUnbatched, 2)}`);
  for (const c of result.configs.filter((x) => x.available && x.cpuMsPerClaim && x.cpuMsPerClaim.total > 0)) {
    const m = c.cpuMsPerClaim;
    lines.push(`CPU ms per claim, ${c.label}: ${num(m.total, 2)} (app ${num(m.app, 2)}, postgres ${num(m.postgres, 2)}, chain node ${num(m.chain, 2)}, redis ${num(m.redis, 2)}, bench client ${num(m.bench, 2)}); ${require('node:os').cpus().length} cores allow ${num(c.cpuBoundPerSec)} claims/s at that cost (reached ${num(c.perSec / c.cpuBoundPerSec, 2)}x)`);
  }
  for (const c of result.configs.filter((x) => x.available)) {
    lines.push(`${c.label}: ${c.payouts} payouts, ${num(c.claimsPerPayout, 2)} claims per payout (max ${c.maxClaimsPerPayout}), ${c.signersUsed} signer(s)${c.note ? `; ${c.note}` : ''}`);
  }
  const na = result.configs.filter((x) => !x.available);
  if (na.length) lines.push(`n/a (not built yet): ${[...new Set(na.map((c) => c.why))].join('; ')}`);
  return lines;
}

function table(result) {
  return [alignedTable(HEADERS, rows(result)), '', ...notes(result)].join('\n');
}

/** The markdown table and the SVG chart, written beside the JSON as payouts-<timestamp>.md / .svg. */
function files(result) {
  const s = result.settings;
  const md = [
    `# Payouts bench`,
    '',
    `${s.claims} fresh-wallet USDC claims per unbatched configuration (single POSTs), ${s.batchedClaims} per batched one (bulk requests of ${s.bulkChunk}), ${s.rawTxs} raw transfers, ${s.blockMs} ms blocks, RPC relay +${s.rpcDelayMs} ms.`,
    '',
    markdownTable(HEADERS, rows(result)),
    '',
    ...notes(result).map((l) => `- ${l}`),
    '',
  ].join('\n');
  const svg = svgBarChart({
    title: `claims/s, ${s.claims} (unbatched) / ${s.batchedClaims} (batched) USDC claims, ${s.blockMs} ms blocks (raw chain: pre-signed transfers)`,
    unit: '/s',
    bars: [
      { label: 'raw chain, 1 sender', value: result.raw.perSec },
      ...result.configs.map((c) =>
        c.available && c.perSec !== null
          ? { label: c.label, value: c.perSec, note: `${num(c.ratio, 3)}x raw` }
          : { label: c.label, value: null, note: c.available ? 'timed out' : 'n/a (not built yet)' },
      ),
    ],
  });
  return { '.md': md, '.svg': svg };
}

module.exports = { run, table, files, support, rawBaseline, progressReporter, cpuSnapshot, cpuBetween };
