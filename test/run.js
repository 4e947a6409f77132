#!/usr/bin/env node
// `npm test`: the whole suite (unit + e2e on real Postgres, Redis and a dev chain), then a check that the run
// left no process running and no port held. Exit code: jest's, or 1 when something leaked.
'use strict';
const { spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const before = new Set(pids());

function pids() {
  // no shell: a shell's own command line would match the pattern (pgrep skips only itself)
  const r = spawnSync('pgrep', ['-f', 'payrail-devchain-child|jest-worker|jest/bin/jest|dist/src/main.js'], { encoding: 'utf8' });
  return (r.stdout || '').split('\n').filter(Boolean).map(Number);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function main() {
  // type-check everything (src, tests, migrations): ts-jest transpiles without checking types
  const tsc = require.resolve('typescript/bin/tsc');
  const tc = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit', cwd: root });
  if (tc.status !== 0) {
    console.log('npm test: type check failed');
    process.exit(tc.status || 1);
  }
  const jest = require.resolve('jest/bin/jest');
  const args = [jest, '--maxWorkers=2', ...process.argv.slice(2)];
  const t0 = Date.now();
  const stateFile = path.join(require('node:os').tmpdir(), `payrail-test-${process.pid}.json`);
  const r = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'pipe'],
    cwd: root,
    env: { ...process.env, PAYRAIL_E2E_STATE_FILE: stateFile },
    encoding: 'utf8',
  });
  process.stderr.write(r.stderr || '');
  // Every chain or app this run started is a child process: none may survive, and the chain's port is free.
  let leaked = [];
  for (let i = 0; i < 20; i++) {
    // a stopped chain needs a moment to exit after its port closes
    leaked = pids().filter((p) => !before.has(p) && p !== process.pid);
    if (leaked.length === 0) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  let port = null;
  try {
    port = JSON.parse(require('node:fs').readFileSync(stateFile, 'utf8')).port;
    require('node:fs').rmSync(stateFile);
  } catch {}
  const portHeld = port ? await portOpen(port) : false;
  const summary = /Tests:\s+(.*)/.exec(r.stderr || '');
  console.log(`\nnpm test: jest exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(0)} s${summary ? ' — ' + summary[1] : ''}`);
  if (leaked.length || portHeld) {
    console.log(`leak check: FAILED — processes left: ${leaked.join(', ') || 'none'}; chain port held: ${portHeld}`);
    for (const p of leaked) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {}
    }
    process.exit(1);
  }
  console.log('leak check: no process left running, no port held');
  process.exit(r.status ?? 1);
}

main();
