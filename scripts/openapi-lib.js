'use strict';
// Shared by scripts/openapi.js (npm run openapi:generate / openapi:lint) and the e2e drift check: where the
// committed OpenAPI document and the generated client types live, and how each is produced.
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** The committed document (what the client is generated from and what Redocly lints). */
const DOCUMENT_PATH = path.join(root, 'openapi.json');
/** The committed types of the client, generated from DOCUMENT_PATH by openapi-typescript. */
const SCHEMA_TYPES_PATH = path.join(root, 'packages', 'client', 'src', 'schema.d.ts');
const REGENERATE = 'npm run openapi:generate';

/** The document as committed: 2-space JSON with a final newline, so diffs stay readable. */
function serializeDocument(doc) {
  return JSON.stringify(doc, null, 2) + '\n';
}

function run(bin, args, what) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** openapi-typescript over `documentPath` into `outputPath` (the same flags for the committed file and the check). */
function generateSchemaTypes(documentPath, outputPath) {
  const cli = path.join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
  run(cli, [documentPath, '--output', outputPath, '--redocly', path.join(root, 'redocly.yaml')], 'openapi-typescript');
}

/** Redocly's linter with the repo's redocly.yaml (recommended rules); returns its output, throws on failure. */
function lintDocument(documentPath, extraArgs = []) {
  const cli = require.resolve('@redocly/cli/bin/cli.js', { paths: [root] });
  return run(cli, ['lint', documentPath, '--config', path.join(root, 'redocly.yaml'), ...extraArgs], 'redocly lint');
}

/** Builds the document from the app's controllers (Nest preview mode: no database, Redis or chain). */
async function buildDocument() {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  const { exportOpenApiDocument } = require(path.join(root, 'src', 'platform', 'openapi', 'export'));
  return exportOpenApiDocument();
}

function writeDocument(doc, file = DOCUMENT_PATH) {
  writeFileSync(file, serializeDocument(doc));
}

module.exports = { root, DOCUMENT_PATH, SCHEMA_TYPES_PATH, REGENERATE, serializeDocument, generateSchemaTypes, lintDocument, buildDocument, writeDocument };
