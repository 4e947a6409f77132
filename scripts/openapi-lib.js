'use strict';
// Shared by scripts/openapi.js (npm run openapi:generate / openapi:lint) and the e2e drift check: where the
// committed OpenAPI document and the generated client types live, and how each is produced.
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
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

const REDOCLY_CONFIG = path.join(root, 'redocly.yaml');
/** Deliberate exceptions, keyed by the linted file's name (so it must be called openapi.json): see the file. */
const REDOCLY_IGNORE = path.join(root, '.redocly.lint-ignore.yaml');
const redoclyCli = () => require.resolve('@redocly/cli/bin/cli.js', { paths: [root] });

/** Redocly's linter with the repo's redocly.yaml (recommended rules) over the committed document; throws on errors. */
function lintDocument(documentPath = DOCUMENT_PATH) {
  return run(redoclyCli(), ['lint', documentPath, '--config', REDOCLY_CONFIG], 'redocly lint');
}

/**
 * The same lint over any document (the live one in the e2e test): written as openapi.json into a temporary
 * directory with copies of redocly.yaml and its ignore file (Redocly resolves the ignore file's keys
 * against the config's directory). Returns Redocly's JSON report: `{totals: {errors, warnings, ignored}, problems}`.
 */
function lintReport(doc) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'payrail-redocly-'));
  try {
    writeDocument(doc, path.join(dir, 'openapi.json'));
    copyFileSync(REDOCLY_CONFIG, path.join(dir, 'redocly.yaml'));
    copyFileSync(REDOCLY_IGNORE, path.join(dir, '.redocly.lint-ignore.yaml'));
    const r = spawnSync(process.execPath, [redoclyCli(), 'lint', 'openapi.json', '--config', 'redocly.yaml', '--format=json'], { cwd: dir, encoding: 'utf8' });
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`redocly lint failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the document from the app's controllers (Nest preview mode: no database, Redis or chain). */
async function buildDocument() {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  const { exportOpenApiDocument } = require(path.join(root, 'src', 'openapi-export'));
  return exportOpenApiDocument();
}

function writeDocument(doc, file = DOCUMENT_PATH) {
  writeFileSync(file, serializeDocument(doc));
}

module.exports = { root, DOCUMENT_PATH, SCHEMA_TYPES_PATH, REGENERATE, serializeDocument, generateSchemaTypes, lintDocument, lintReport, buildDocument, writeDocument };
