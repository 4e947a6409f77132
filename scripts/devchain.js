#!/usr/bin/env node
'use strict';
/**
 * `npm run devchain`: start (or reuse) the local Payrail EVM devchain.
 *
 * Env: DEVCHAIN_HOST (127.0.0.1), DEVCHAIN_PORT (8545), DEVCHAIN_BLOCK_MS (1000; 0 = automine),
 *      DEVCHAIN_CHAIN_ID (31337; 1337 is the other dev chain id the app accepts), DEVCHAIN_FILE (<repo>/.devchain.json).
 * If a devchain with our contracts already answers on host:port it is reused: the file is
 * written/kept and the command exits 0. Otherwise the node runs until SIGINT/SIGTERM.
 */
const path = require('path');
const { startDevchain } = require('./devchain-lib');

function intEnv(name, dflt, min) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`devchain: ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

async function main() {
  const t0 = Date.now();
  const host = process.env.DEVCHAIN_HOST || '127.0.0.1';
  const port = intEnv('DEVCHAIN_PORT', 8545, 1);
  const blockMs = intEnv('DEVCHAIN_BLOCK_MS', 1000, 0);
  const chainId = intEnv('DEVCHAIN_CHAIN_ID', 31337, 1);
  const file = process.env.DEVCHAIN_FILE ? path.resolve(process.env.DEVCHAIN_FILE) : path.resolve(__dirname, '..', '.devchain.json');

  const dc = await startDevchain({ host, port, blockMs, chainId, file });
  const { info } = dc;
  const interval = info.blockMs === 0 ? 'automine' : `${info.blockMs}ms blocks`;
  console.log(
    `devchain ${dc.reused ? 'reused' : 'ready'} in ${((Date.now() - t0) / 1000).toFixed(1)}s: ` +
      `rpc=${info.rpcUrl} chainId=${info.chainId} USDC=${info.tokens.USDC.address} batchPayout=${info.batchPayout} treasury=${info.treasury} (${interval})`,
  );
  if (dc.reused) return; // nothing started, nothing to keep alive

  console.log(`devchain: node log ${dc.logFile}; Ctrl-C to stop`);
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return; // npm forwards the terminal's SIGINT too: ignore duplicates
    stopping = true;
    console.log(`devchain: ${signal}, stopping the node...`);
    try {
      await dc.stop();
    } finally {
      clearInterval(keepAlive);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
  // `npm run` (npm 11) does not forward a SIGTERM sent to the npm process itself: npm exits and this
  // script would be orphaned with the node still running. When started through npm, losing our
  // parent counts as a stop request. (Ctrl-C reaches the whole foreground group, so it is unaffected.)
  if (process.env.npm_lifecycle_event) {
    const parentPid = process.ppid;
    setInterval(() => {
      if (process.ppid !== parentPid) void shutdown('parent npm process exited');
    }, 500).unref();
  }
  dc.exited.then((code) => {
    if (stopping) return;
    console.error(`devchain: hardhat node exited unexpectedly (${code}); see ${dc.logFile}`);
    process.exit(1);
  });
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
