#!/usr/bin/env node
// npm start / start:api / start:worker / migration:run.
// Builds when sources are newer than dist, starts the dev chain when CHAIN_RPC_URL is unset, then runs the
// app with ROLE set; forwards SIGINT/SIGTERM and stops the dev chain it started on exit.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync, readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const role = process.argv[2] || 'all';
const entry = path.join(root, 'dist', 'src', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'migrations')));
  if (built >= sources) return;
  console.log('payrail: building (tsc)...');
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status || 1);
}

async function main() {
  buildIfNeeded();
  let chain = null;
  if (!process.env.CHAIN_RPC_URL && role !== 'migrate') {
    const { startDevchain } = require('./devchain-lib');
    chain = await startDevchain({
      host: process.env.DEVCHAIN_HOST || '127.0.0.1',
      port: Number(process.env.DEVCHAIN_PORT || 8545),
      blockMs: Number(process.env.DEVCHAIN_BLOCK_MS ?? 1000),
      file: process.env.DEVCHAIN_FILE ? path.resolve(process.env.DEVCHAIN_FILE) : path.join(root, '.devchain.json'),
      log: (line) => console.log(`devchain: ${line}`),
    });
  }
  const args = role === 'migrate' ? [entry, 'migrate'] : [entry];
  const env = { ...process.env, ROLE: role === 'migrate' ? 'all' : role };
  const child = spawn(process.execPath, args, { stdio: 'inherit', env, cwd: root });
  // the app has its copy; this wrapper never needs the keys again (the app deletes them from its own env too)
  for (const k of ['TREASURY_PRIVATE_KEY', 'TREASURY_PRIVATE_KEYS', 'RETIRED_TREASURY_KEYS', 'REMOTE_SIGNER_URL']) delete process.env[k];
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', async (code, signal) => {
    if (chain && !chain.reused) await chain.stop().catch(() => undefined);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((err) => {
  console.error(`payrail: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
