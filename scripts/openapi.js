#!/usr/bin/env node
// npm run openapi:generate  writes openapi.json from the app's controllers (no server, database, Redis or
//                           chain: Nest preview mode) and regenerates packages/client/src/schema.d.ts from it.
// npm run openapi:lint      Redocly's recommended rules (redocly.yaml) over the committed openapi.json.
// node scripts/openapi.js check  fails when openapi.json or schema.d.ts differ from what generate would write.
'use strict';
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./openapi-lib');

async function main() {
  const cmd = process.argv[2] || 'generate';
  if (cmd === 'lint') {
    process.stdout.write(lib.lintDocument(lib.DOCUMENT_PATH));
    return;
  }
  const doc = await lib.buildDocument();
  if (cmd === 'generate') {
    lib.writeDocument(doc);
    lib.generateSchemaTypes(lib.DOCUMENT_PATH, lib.SCHEMA_TYPES_PATH);
    console.log(`wrote ${path.relative(lib.root, lib.DOCUMENT_PATH)} (${Object.keys(doc.paths).length} paths) and ${path.relative(lib.root, lib.SCHEMA_TYPES_PATH)}`);
    return;
  }
  if (cmd === 'check') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'payrail-openapi-'));
    try {
      const drift = [];
      if (readFileSync(lib.DOCUMENT_PATH, 'utf8') !== lib.serializeDocument(doc)) drift.push('openapi.json differs from the app');
      const types = path.join(dir, 'schema.d.ts');
      lib.generateSchemaTypes(lib.DOCUMENT_PATH, types);
      if (readFileSync(lib.SCHEMA_TYPES_PATH, 'utf8') !== readFileSync(types, 'utf8')) drift.push('schema.d.ts differs from openapi.json');
      if (drift.length) {
        console.error(`${drift.join('; ')}: run \`${lib.REGENERATE}\` and commit the result`);
        process.exitCode = 1;
      } else console.log('openapi.json and schema.d.ts are up to date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  throw new Error(`unknown command ${cmd} (generate, lint, check)`);
}

main().then(
  () => process.exit(),
  (err) => {
    console.error(`openapi: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
