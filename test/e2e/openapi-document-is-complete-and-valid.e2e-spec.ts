import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, useWorld } from '../helpers/app';

/**
 * Issue 4 ("OpenAPI complete") and issue 15 (lint, drift): /docs-json passes Redocly's recommended rules
 * (redocly.yaml; the only exceptions are listed with their reason in .redocly.lint-ignore.yaml); it is
 * byte for byte the committed openapi.json, and the client's schema.d.ts is what openapi-typescript generates
 * from that file, so the API and the client (packages/client) cannot drift apart unnoticed; and every
 * operation documents the 4xx its cross-cutting behaviour can produce (401/403, 429, 400, 404, 413, and
 * 409/422 for Idempotency-Key), each as application/problem+json. Routes added by other modules are held
 * to the same rules.
 */
type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const openapi = require('../../scripts/openapi-lib') as {
  DOCUMENT_PATH: string;
  SCHEMA_TYPES_PATH: string;
  REGENERATE: string;
  serializeDocument(doc: Json): string;
  generateSchemaTypes(documentPath: string, outputPath: string): void;
  lintReport(doc: Json): { totals: { errors: number; warnings: number; ignored: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
};

/** The 4xx responses each operation must document, from the platform's route rules. */
function missingErrors(doc: Json): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const op = item[method];
      const has = (s: string) => !!op.responses?.[s];
      const need = (s: string, why: string) => !has(s) && missing.push(`${method.toUpperCase()} ${path}: ${s} (${why})`);
      const params: Json[] = op.parameters ?? [];
      const v1 = path.startsWith('/v1/');
      const webhook = path.startsWith('/v1/webhooks/');
      if (v1 && !webhook) need('401', 'credentials required');
      if (path.startsWith('/v1/admin/')) need('403', 'admin token required');
      // rate limited: everything but the health probes (metrics and docs are not in the document)
      if (!['/health/live', '/health/ready'].includes(path)) {
        need('429', 'rate limited');
        const h = op.responses?.['429']?.headers ?? {};
        if (has('429') && !h['Retry-After']) missing.push(`${method.toUpperCase()} ${path}: 429 without Retry-After`);
      }
      if (op.requestBody || params.some((p) => p.in === 'query')) need('400', 'validated input');
      if (op.requestBody) need('413', 'body limit');
      if (params.some((p) => p.in === 'path')) need('404', 'id in the path');
      if (method === 'post' && !webhook) {
        need('409', 'Idempotency-Key in flight');
        need('422', 'Idempotency-Key reused');
        if (!params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) missing.push(`POST ${path}: Idempotency-Key header`);
      }
      for (const [status, r] of Object.entries<Json>(op.responses ?? {})) {
        if (/^[45]\d\d$/.test(status) && r?.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/ProblemDto') {
          missing.push(`${method.toUpperCase()} ${path} ${status}: not documented as application/problem+json ProblemDto`);
        }
      }
      // what the guard does is what the document says: open routes explicitly, the rest with the bearer
      const open = path.startsWith('/health/live') || path.startsWith('/health/ready') || webhook;
      if (open && JSON.stringify(op.security) !== '[]') missing.push(`${method.toUpperCase()} ${path}: open route without security: []`);
      if (!open && !op.security?.some((s: Json) => 'bearer' in s)) missing.push(`${method.toUpperCase()} ${path}: no bearer security`);
    }
  }
  return missing;
}

describe('OpenAPI document', () => {
  const t = useWorld({ ROLE: 'api', ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' });
  let doc: Json;

  beforeAll(async () => {
    const res = await http(t.app, 'GET', '/docs-json', undefined, { auth: null });
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it("passes Redocly's recommended rules: no error, no warning (exceptions only in .redocly.lint-ignore.yaml)", () => {
    const report = openapi.lintReport(doc);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 2 });
  });

  it('the linter catches a broken document (no servers, an unresolvable $ref, a public route without security)', () => {
    const broken = JSON.parse(JSON.stringify(doc));
    broken.servers = [];
    broken.paths['/v1/claims'].post.responses['201'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    delete broken.paths['/health/live'].get.security;
    const rules = openapi.lintReport(broken).problems.filter((p) => p.severity === 'error').map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['no-empty-servers', 'no-unresolved-refs', 'security-defined']));
  });

  it(`is the committed openapi.json, and schema.d.ts is generated from it (else: ${openapi.REGENERATE})`, () => {
    const committed = readFileSync(openapi.DOCUMENT_PATH, 'utf8');
    if (committed !== openapi.serializeDocument(doc)) {
      throw new Error(`openapi.json differs from the document the app serves: run \`${openapi.REGENERATE}\` and commit openapi.json and packages/client/src/schema.d.ts`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'payrail-schema-'));
    try {
      openapi.generateSchemaTypes(openapi.DOCUMENT_PATH, join(dir, 'schema.d.ts'));
      if (readFileSync(join(dir, 'schema.d.ts'), 'utf8') !== readFileSync(openapi.SCHEMA_TYPES_PATH, 'utf8')) {
        throw new Error(`packages/client/src/schema.d.ts is not what openapi-typescript generates from openapi.json: run \`${openapi.REGENERATE}\` and commit it`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every operation documents the 4xx problems it can answer, and its security', () => {
    expect(missingErrors(doc)).toEqual([]);
  });

  it('documents every route the app serves', () => {
    const paths = Object.keys(doc.paths);
    for (const p of ['/v1/claims', '/v1/claims/{id}', '/v1/claims/{id}/events', '/v1/claims/{id}/cancel', '/v1/payouts/{id}', '/v1/ledger/balances', '/v1/ledger/trial-balance', '/health/live', '/health/ready']) {
      expect(paths).toContain(p);
    }
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:3000' })]);
  });

  it('documents both claim bodies (exclusive: closed schemas), the signed EIP-712 typed data, Idempotency-Key and the RateLimit headers', () => {
    const post = doc.paths['/v1/claims'].post;
    expect(post.requestBody.content['application/json'].schema.oneOf).toEqual([
      { $ref: '#/components/schemas/CreateClaimDto' },
      { $ref: '#/components/schemas/SignedClaimDto' },
    ]);
    expect(doc.components.schemas.CreateClaimDto.additionalProperties).toBe(false);
    expect(doc.components.schemas.ClaimDto.additionalProperties).toBeUndefined(); // responses stay open
    expect(Object.keys(post.requestBody.content['application/json'].examples)).toEqual(['apiKey', 'signed']);
    expect(doc.components.schemas.SignedClaimDto.required).toEqual(expect.arrayContaining(['wallet', 'token', 'amount', 'reason', 'nonce', 'deadline', 'signature']));
    expect(post.description).toContain('uint256 nonce, uint256 deadline');
    expect(post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]));
    expect(Object.keys(post.responses['201'].headers)).toEqual(expect.arrayContaining(['RateLimit-Policy', 'RateLimit', 'X-Idempotency', 'Idempotent-Replayed']));
    expect(Object.keys(post.responses['429'].headers)).toEqual(['Retry-After', 'RateLimit-Policy', 'RateLimit']);
    expect(post.responses['409'].headers['Retry-After']).toBeDefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await fetch(t.app.url + '/docs');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});
