'use strict';
/**
 * Payrail local devchain: a Hardhat 2 node (EDR) with interval mining, the dev USDC token and the
 * BatchPayout contract deployed at deterministic addresses, every dev account funded.
 *
 * Plain CommonJS on purpose (no TypeScript / ts-node) so `node scripts/devchain.js` starts fast.
 * Heavy modules (ethers, solc) are required lazily, only on the paths that need them.
 *
 * Process lifetime: the node runs in a child process that is the leader of its own process group
 * (`detached: true`). It is tied to the parent that started it in three independent ways:
 *   1. stop()                  : SIGTERM to the group, SIGKILL after 3 s, then wait for the port to close.
 *   2. parent 'exit' handler   : SIGKILL to the group when the parent exits normally / via process.exit().
 *   3. watchdog in the child   : this same file is the child's entry point (see runChildWrapper). The
 *      parent keeps the write end of the child's stdin pipe open and never writes to it. When the parent
 *      dies for ANY reason (SIGKILL, OOM, crash: cases where no JS handler runs) the kernel closes that
 *      fd, the child reads EOF and exits at once. A 1 s poll of the parent pid / ppid backs this up.
 * The hardhat node runs inside that wrapper process (the wrapper `require`s the hardhat CLI after
 * rewriting argv), so there is exactly one process per devchain and nothing can be orphaned.
 */
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
const CONTRACTS_DIR = path.join(REPO_ROOT, 'contracts');
const HARDHAT_CONFIG = path.join(REPO_ROOT, 'hardhat.config.js');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'payrail-contracts');
const DEFAULT_FILE = path.join(REPO_ROOT, '.devchain.json');

const CHAIN_ID = 31337; // the default; startDevchain({chainId}) runs another (1337: a second, private dev chain)
const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk';
const DERIVATION_BASE = "m/44'/60'/0'/0";
const DEV_ACCOUNT_COUNT = 128; // hardhat.config.js funds as many; e2e worlds take one each, pools several (test/helpers/app.ts)
const USDC_DECIMALS = 6;
const MINT_PER_ACCOUNT = 1_000_000_000n * 10n ** BigInt(USDC_DECIMALS); // 1e9 USDC
const CONTRACT_NAMES = ['USDC', 'BatchPayout'];
const EVM_VERSION = 'prague'; // portable bytecode; runs on the node's default hardfork (osaka) too

const READY_TIMEOUT_MS = 60_000;
const TERM_GRACE_MS = 3_000;
const CHILD_MARKER = '--payrail-devchain-child';

// ---------------------------------------------------------------------------------------------
// small utilities
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true if `promise` settles within ms, false otherwise; never leaves a timer behind. */
function settlesWithin(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw err;
  }
}

function readJsonOrNull(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function tailFile(file, lines = 30) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n').trim();
  } catch {
    return '(log file unreadable)';
  }
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). Shared by the tests and the bench. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves true if a TCP connection to host:port succeeds within timeoutMs. Never rejects. */
function isPortOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (open) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Minimal JSON-RPC call over fetch (no ethers: used for probing, must be fast and cache-free). */
async function rpc(url, method, params = [], timeoutMs = 2000) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message || JSON.stringify(body.error)}`);
  return body.result;
}

function rpcUrlFor(host, port) {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host; // IPv6 literal
  return `http://${h}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// compileContracts
// ---------------------------------------------------------------------------------------------

function solcInput() {
  const sources = {};
  for (const name of CONTRACT_NAMES) {
    sources[`${name}.sol`] = { content: fs.readFileSync(path.join(CONTRACTS_DIR, `${name}.sol`), 'utf8') };
  }
  return {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: EVM_VERSION,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
}

/**
 * Compiles contracts/USDC.sol and contracts/BatchPayout.sol with solc-js (optimizer on).
 * Cached in node_modules/.cache/payrail-contracts/<sha256(sources + settings + solc version)>.json: any edit
 * of a .sol file changes the key, so a stale artifact is never served.
 * deployedBytecode is the runtime code, compared with what a running node has (probeExisting).
 * @returns {{USDC: {abi: any[], bytecode: string, deployedBytecode: string}, BatchPayout: {abi: any[], bytecode: string, deployedBytecode: string}}}
 */
function compileContracts() {
  const input = solcInput();
  // The solc package version equals the compiler version; reading it avoids loading the 8 MB
  // soljson module on a warm cache.
  const solcVersion = require('solc/package.json').version;
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify(input))
    .update(`\0solc@${solcVersion}`)
    .digest('hex');
  const cacheFile = path.join(CACHE_DIR, `${key}.json`);

  const cached = readJsonOrNull(cacheFile);
  const isCode = (v) => typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v);
  if (cached && CONTRACT_NAMES.every((n) => cached[n] && Array.isArray(cached[n].abi) && isCode(cached[n].bytecode) && isCode(cached[n].deployedBytecode))) {
    return cached;
  }

  const solc = require('solc');
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`Solidity compilation failed (solc ${solc.version()}):\n${errors.map((e) => e.formattedMessage || e.message).join('\n')}`);
  }
  const result = {};
  for (const name of CONTRACT_NAMES) {
    const c = output.contracts && output.contracts[`${name}.sol`] && output.contracts[`${name}.sol`][name];
    if (!c || !c.evm || !c.evm.bytecode || !c.evm.bytecode.object) {
      throw new Error(`Solidity compilation produced no bytecode for ${name}`);
    }
    result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
  }
  writeFileAtomic(cacheFile, JSON.stringify(result));
  return result;
}

// ---------------------------------------------------------------------------------------------
// devAccounts
// ---------------------------------------------------------------------------------------------

let accountBaseNode = null;
const accountCache = [];

/**
 * The hardhat default accounts (mnemonic "test ... junk", path m/44'/60'/0'/0/i).
 * Same result as HDNodeWallet.fromPhrase(mnemonic, undefined, "m/44'/60'/0'/0/" + i), but the seed
 * (PBKDF2) and the base node are derived once and every account is memoized.
 * @returns {{address: string, privateKey: string}[]}
 */
function devAccounts(n = DEV_ACCOUNT_COUNT) {
  if (accountCache.length < n) {
    const { HDNodeWallet } = require('ethers');
    if (!accountBaseNode) accountBaseNode = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, DERIVATION_BASE);
    for (let i = accountCache.length; i < n; i++) {
      const w = accountBaseNode.deriveChild(i);
      accountCache.push({ address: w.address, privateKey: w.privateKey });
    }
  }
  return accountCache.slice(0, n).map((a) => ({ ...a }));
}

// ---------------------------------------------------------------------------------------------
// startDevchain
// ---------------------------------------------------------------------------------------------

function deterministicAddresses(treasury, firstNonce = 0) {
  const { getCreateAddress } = require('ethers');
  return {
    usdc: getCreateAddress({ from: treasury, nonce: firstNonce }),
    batchPayout: getCreateAddress({ from: treasury, nonce: firstNonce + 1 }),
  };
}

function buildInfo({ rpcUrl, chainId, usdc, batchPayout, treasury, blockMs }) {
  const { getAddress } = require('ethers');
  return {
    rpcUrl,
    chainId,
    tokens: { USDC: { address: getAddress(usdc), decimals: USDC_DECIMALS } },
    batchPayout: getAddress(batchPayout),
    treasury: getAddress(treasury),
    blockMs,
  };
}

async function hasCode(rpcUrl, address) {
  const code = await rpc(rpcUrl, 'eth_getCode', [address, 'latest']);
  return typeof code === 'string' && code !== '0x' && code.length > 2;
}

/**
 * Looks at whatever listens on host:port.
 * @returns {Promise<{state: 'closed'} | {state: 'reusable', info: object} | {state: 'occupied', reason: string}>}
 */
async function probeExisting({ host, port, file, blockMs, chainId: wanted }) {
  if (!(await isPortOpen(host, port))) return { state: 'closed' };
  const rpcUrl = rpcUrlFor(host, port);
  let chainId;
  try {
    chainId = Number(BigInt(await rpc(rpcUrl, 'eth_chainId')));
  } catch (err) {
    return { state: 'occupied', reason: `it does not answer eth_chainId (${err.message})` };
  }
  if (chainId !== wanted) return { state: 'occupied', reason: `it is an EVM node with chainId ${chainId}, not ${wanted}` };

  const { isAddress } = require('ethers');
  const treasury = devAccounts(1)[0].address;
  const candidates = [];
  const existing = readJsonOrNull(file);
  const fileUsdc = existing && existing.tokens && existing.tokens.USDC && existing.tokens.USDC.address;
  if (existing && isAddress(fileUsdc) && isAddress(existing.batchPayout)) {
    candidates.push({ usdc: fileUsdc, batchPayout: existing.batchPayout, fromFile: true });
  }
  // The file may be missing or point elsewhere: our deployment addresses are deterministic anyway.
  candidates.push({ ...deterministicAddresses(treasury), fromFile: false });

  let outdated = false;
  for (const c of candidates) {
    try {
      if (!(await hasCode(rpcUrl, c.usdc)) || !(await hasCode(rpcUrl, c.batchPayout))) continue;
      const decimals = Number(BigInt(await rpc(rpcUrl, 'eth_call', [{ to: c.usdc, data: '0x313ce567' }, 'latest'])));
      if (decimals !== USDC_DECIMALS) continue;
      // A node started before contracts/*.sol changed runs the old code at the same addresses: reusing it
      // would test (or pay through) contracts that are not the ones in the repo.
      const artifacts = compileContracts();
      const [usdcCode, batchCode] = await Promise.all([c.usdc, c.batchPayout].map((a) => rpc(rpcUrl, 'eth_getCode', [a, 'latest'])));
      if (usdcCode.toLowerCase() !== artifacts.USDC.deployedBytecode.toLowerCase() || batchCode.toLowerCase() !== artifacts.BatchPayout.deployedBytecode.toLowerCase()) {
        outdated = true;
        continue;
      }
      const sameNode = c.fromFile && existing.rpcUrl === rpcUrl && Number.isInteger(existing.blockMs);
      const info = buildInfo({ rpcUrl, chainId, usdc: c.usdc, batchPayout: c.batchPayout, treasury, blockMs: sameNode ? existing.blockMs : blockMs });
      return { state: 'reusable', info };
    } catch {
      /* try next candidate */
    }
  }
  if (outdated) return { state: 'occupied', reason: `it runs an older build of the Payrail contracts (contracts/*.sol changed since it started): stop it and start again` };
  return { state: 'occupied', reason: `it is a chainId ${chainId} node without the Payrail contracts (not started by this script, or restarted)` };
}

/** Entry point of the child: watchdog + hardhat CLI in the same process. */
function runChildWrapper(argv) {
  const parentPid = Number(argv[0]);
  const cli = argv[1];
  const cliArgs = argv.slice(2);
  const die = (why) => {
    try {
      process.stderr.write(`\n[devchain watchdog] ${why}; shutting the node down\n`);
    } catch {
      /* ignore */
    }
    process.exit(0);
  };
  // (1) The parent holds the write end of our stdin and never writes: EOF == parent is gone.
  process.stdin.on('end', () => die('parent closed stdin (parent exited)'));
  process.stdin.on('error', () => die('stdin error (parent exited)'));
  process.stdin.resume();
  // (2) Backup: poll the parent pid (covers an inherited/duplicated stdin fd).
  const poll = setInterval(() => {
    let alive = process.ppid === parentPid;
    if (alive) {
      try {
        process.kill(parentPid, 0);
      } catch (err) {
        alive = err.code === 'EPERM';
      }
    }
    if (!alive) die(`parent pid ${parentPid} is gone`);
  }, 1000);
  poll.unref();
  process.argv = [process.argv[0], cli, ...cliArgs];
  require(cli);
}

async function waitForChainId(rpcUrl, { chainId, child, logFile, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`hardhat node exited before becoming ready (code ${child.exitCode}, signal ${child.signalCode}). Last log lines (${logFile}):\n${tailFile(logFile)}`);
    }
    try {
      const id = Number(BigInt(await rpc(rpcUrl, 'eth_chainId', [], 1000)));
      if (id !== chainId) throw new Error(`unexpected chainId ${id}`);
      return;
    } catch (err) {
      lastErr = err;
    }
    await sleep(100);
  }
  throw new Error(`hardhat node did not answer eth_chainId on ${rpcUrl} within ${timeoutMs / 1000}s (last error: ${lastErr && lastErr.message}). Last log lines (${logFile}):\n${tailFile(logFile)}`);
}

async function waitForReceipts(provider, hashes, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const receipts = new Map();
  while (receipts.size < hashes.length) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${hashes.length - receipts.size} deployment transaction(s) to be mined`);
    for (const h of hashes) {
      if (receipts.has(h)) continue;
      const r = await provider.getTransactionReceipt(h);
      if (r) receipts.set(h, r);
    }
    if (receipts.size < hashes.length) await sleep(50);
  }
  return hashes.map((h) => {
    const r = receipts.get(h);
    if (r.status !== 1) throw new Error(`deployment transaction ${h} reverted`);
    return r;
  });
}

/** Deploys USDC + BatchPayout from account 0 with explicit nonces and funds every dev account. */
async function deployAndFund({ rpcUrl, blockMs, chainId }) {
  const { JsonRpcProvider, Wallet, Interface, getCreateAddress } = require('ethers');
  const artifacts = compileContracts();
  const accounts = devAccounts(DEV_ACCOUNT_COUNT);
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const deployer = new Wallet(accounts[0].privateKey, provider);
    const firstNonce = await provider.getTransactionCount(deployer.address, 'pending'); // 0 on a fresh node
    const latest = await provider.getBlock('latest');
    const baseFee = latest && latest.baseFeePerGas != null ? latest.baseFeePerGas : 1_000_000_000n;
    // Fixed fees and gas limits: no per-tx eth_feeHistory/estimateGas round-trips, and no estimate
    // against contracts that only exist in the pending pool (interval mining).
    const maxPriorityFeePerGas = 1_000_000_000n;
    const fees = { type: 2, chainId, maxPriorityFeePerGas, maxFeePerGas: baseFee * 4n + maxPriorityFeePerGas };

    let nonce = firstNonce;
    const hashes = [];
    const send = async (tx) => {
      const res = await deployer.sendTransaction({ ...fees, ...tx, nonce: nonce++ });
      hashes.push(res.hash);
    };
    const usdcAddress = getCreateAddress({ from: deployer.address, nonce: firstNonce });
    const batchAddress = getCreateAddress({ from: deployer.address, nonce: firstNonce + 1 });
    await send({ data: artifacts.USDC.bytecode, gasLimit: 3_000_000n });
    await send({ data: artifacts.BatchPayout.bytecode, gasLimit: 3_000_000n });
    const usdcIface = new Interface(artifacts.USDC.abi);
    for (const a of accounts) {
      await send({ to: usdcAddress, data: usdcIface.encodeFunctionData('mint', [a.address, MINT_PER_ACCOUNT]), gasLimit: 150_000n });
    }
    const receipts = await waitForReceipts(provider, hashes, Math.max(30_000, blockMs * 20));
    if (receipts[0].contractAddress !== usdcAddress || receipts[1].contractAddress !== batchAddress) {
      throw new Error('deployment addresses differ from the expected CREATE addresses');
    }
    return { usdc: usdcAddress, batchPayout: batchAddress, treasury: deployer.address };
  } finally {
    provider.destroy();
  }
}

/**
 * Starts (or reuses) the local devchain.
 * @param {{host?: string, port?: number, blockMs?: number, chainId?: number, file?: string, log?: (msg: string) => void, logFile?: string}} [opts]
 *   logFile: where the node's stdout/stderr go (default <os.tmpdir()>/payrail-devchain-<port>.log).
 *   chainId: the node's chain id (default 31337); the written file carries it. The accounts, their funding and
 *   the contract addresses (CREATE from account 0 at nonces 0 and 1) are the same whatever the chain id.
 * @returns {Promise<{rpcUrl: string, info: object, stop: () => Promise<void>, reused: boolean, logFile: string|null, pid: number|null, exited: Promise<number|null>|null}>}
 */
async function startDevchain({ host = '127.0.0.1', port = 8545, blockMs = 1000, chainId = CHAIN_ID, file = DEFAULT_FILE, log = console.log, logFile } = {}) {
  port = Number(port);
  blockMs = Number(blockMs);
  chainId = Number(chainId);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`invalid chainId ${chainId} (a positive integer)`);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
  if (!Number.isInteger(blockMs) || blockMs < 0) throw new Error(`invalid blockMs ${blockMs} (integer >= 0; 0 = automine)`);
  file = path.resolve(file);
  const rpcUrl = rpcUrlFor(host, port);

  // ---- reuse an already running devchain -------------------------------------------------
  const probe = await probeExisting({ host, port, file, blockMs, chainId });
  if (probe.state === 'reusable') {
    const current = readJsonOrNull(file);
    const changed = JSON.stringify(current) !== JSON.stringify(probe.info);
    if (changed) writeFileAtomic(file, `${JSON.stringify(probe.info, null, 2)}\n`);
    log(`devchain: reusing the node already running at ${rpcUrl} (contracts present), ${changed ? 'wrote' : 'kept'} ${file}`);
    return { rpcUrl, info: probe.info, stop: async () => {}, reused: true, logFile: null, pid: null, exited: null };
  }
  if (probe.state === 'occupied') {
    throw new Error(`devchain: ${host}:${port} is already in use and ${probe.reason}. Stop that process or choose another port (DEVCHAIN_PORT).`);
  }

  // ---- start a new node ------------------------------------------------------------------
  const hardhatCli = require.resolve('hardhat/internal/cli/bootstrap.js', { paths: [REPO_ROOT] });
  logFile = path.resolve(logFile || path.join(os.tmpdir(), `payrail-devchain-${port}.log`));
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = fs.openSync(logFile, 'w');
  // always set: an inherited DEVCHAIN_CHAIN_ID must not make the node disagree with what we wait for
  const env = { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DEVCHAIN_BLOCK_MS: String(blockMs), DEVCHAIN_CHAIN_ID: String(chainId), NO_COLOR: '1' };
  delete env.HARDHAT_NETWORK; // `hardhat node` refuses any network but the in-process one
  let child;
  try {
    child = spawn(
      process.execPath,
      [__filename, CHILD_MARKER, String(process.pid), hardhatCli, '--config', HARDHAT_CONFIG, 'node', '--hostname', host, '--port', String(port)],
      { cwd: REPO_ROOT, env, stdio: ['pipe', logFd, logFd], detached: true },
    );
  } finally {
    fs.closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('devchain: failed to spawn the hardhat node process');
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code !== null ? code : signal)));
  child.on('error', () => {}); // reported through 'exit' / readiness timeout
  child.stdin.on('error', () => {}); // EPIPE when the child is gone
  // The node's lifetime is bound to this process (see the header comment): don't let it keep us alive.
  child.unref();
  if (child.stdin.unref) child.stdin.unref();

  let childGone = false;
  child.once('exit', () => {
    childGone = true;
  });
  // The group is just the wrapper process (hardhat spawns nothing); once it is reaped its pid may be
  // recycled, so never signal the group after that.
  const killGroup = (signal) => {
    if (childGone) return;
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onParentExit = () => killGroup('SIGKILL');
  process.on('exit', onParentExit);

  let stopping = null;
  const stop = () => {
    if (!stopping) {
      stopping = (async () => {
        killGroup('SIGTERM');
        child.stdin.destroy();
        if (!(await settlesWithin(exited, TERM_GRACE_MS))) {
          killGroup('SIGKILL');
          await settlesWithin(exited, 2000);
        }
        const deadline = Date.now() + 5000;
        while ((await isPortOpen(host, port, 300)) && Date.now() < deadline) await sleep(50);
        process.removeListener('exit', onParentExit);
      })();
    }
    return stopping;
  };

  const t0 = Date.now();
  try {
    log(`devchain: starting hardhat node on ${rpcUrl} (chainId ${chainId}, pid ${pid}, ${blockMs === 0 ? 'automine' : `block every ${blockMs} ms`}), log: ${logFile}`);
    await waitForChainId(rpcUrl, { chainId, child, logFile, timeoutMs: READY_TIMEOUT_MS });
    const tReady = Date.now();
    const deployed = await deployAndFund({ rpcUrl, blockMs, chainId });
    const info = buildInfo({ rpcUrl, chainId, ...deployed, blockMs });
    writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
    log(`devchain: node up in ${((tReady - t0) / 1000).toFixed(1)}s, contracts deployed and ${DEV_ACCOUNT_COUNT} accounts funded in ${((Date.now() - tReady) / 1000).toFixed(1)}s, wrote ${file}`);
    return { rpcUrl, info, stop, reused: false, logFile, pid, exited };
  } catch (err) {
    await stop();
    throw err;
  }
}

module.exports = {
  DEV_ACCOUNT_COUNT,
  startDevchain,
  compileContracts,
  devAccounts,
  isPortOpen,
  freePort,
  CHAIN_ID,
  HARDHAT_MNEMONIC,
  USDC_DECIMALS,
  MINT_PER_ACCOUNT,
};

if (require.main === module && process.argv[2] === CHILD_MARKER) {
  runChildWrapper(process.argv.slice(3));
}
