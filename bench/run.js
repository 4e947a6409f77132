#!/usr/bin/env node
'use strict';
// `npm run bench [scenario...]`: runs the benchmark scenarios (default: all), prints a table per scenario and
// writes bench/results/<timestamp>.json with the machine, the settings and every figure. Each scenario
// starts what it needs and stops it again, also when it fails.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SCENARIOS = { api: () => require('./api'), payouts: () => require('./payouts'), campaign: () => require('./campaign') };
/** What `npm run bench` with no names runs: campaign takes many minutes at its 100,000 claims, so it runs only when named. */
const DEFAULT = ['api', 'payouts'];

const cleanups = [];
let cleaning = null;
/** Undo everything the scenarios started, last first; once, whoever asks first (normal end, error, signal). */
function cleanUp() {
  cleaning ??= (async () => {
    while (cleanups.length) await cleanups.pop()().catch((err) => console.error(`cleanup: ${err.message}`));
  })();
  return cleaning;
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : DEFAULT;
  for (const n of names) if (!SCENARIOS[n]) throw new Error(`unknown scenario "${n}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const dir = path.join(__dirname, 'results');
  const results = {};
  for (const name of names) {
    const scenario = SCENARIOS[name]();
    console.log(`\n== ${name} ==`);
    results[name] = await scenario.run({ log: (line) => console.log(`  ${line}`), cleanup: (fn) => cleanups.push(fn) });
    await cleanUp();
    cleaning = null;
    console.log('\n' + scenario.table(results[name]));
    // scenarios with more to show (a markdown table, a chart) write <name>-<timestamp><suffix> beside the JSON
    for (const [suffix, content] of Object.entries(scenario.files ? scenario.files(results[name]) : {})) {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}-${stamp}${suffix}`);
      fs.writeFileSync(file, content);
      console.log(`written to ${path.relative(process.cwd(), file)}`);
    }
  }
  const out = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${os.platform()} ${os.release()}` },
    results,
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(process.cwd(), file)}`);
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    interrupted = true;
    console.log(`\n${sig}: stopping everything the bench started...`);
    cleanUp().finally(() => process.exit(130));
  });
}

main().then(
  () => cleanUp().then(() => process.exit(0)),
  (err) => {
    if (interrupted) return; // a scenario failing because its processes are being stopped: the signal handler exits
    console.error(`bench failed: ${err && err.stack ? err.stack : err}`);
    cleanUp().finally(() => process.exit(1));
  },
);
