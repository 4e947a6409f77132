import { http, useWorld } from '../helpers/app';

/**
 * Issue 4 ("OpenAPI complete"): /docs-json is a structurally valid OpenAPI 3 document (checked here without
 * any network validator): every path has operations with responses, every $ref resolves, parameters match
 * the path templates, every error is documented as problem+json, and every operation documents the 4xx
 * its cross-cutting behaviour can produce (401/403, 429, 400, 404, 413, and 409/422 for Idempotency-Key).
 * Routes added by other modules are held to the same rules.
 */
type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

function resolvePointer(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: Json, key) => (node === undefined || node === null ? undefined : node[key]), doc);
}

function collectRefs(node: Json, at: string, out: { ref: string; at: string }[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => collectRefs(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
}

/** Every structural error found, as readable lines (an empty list = valid). */
function validate(doc: Json): string[] {
  const errors: string[] = [];
  const err = (m: string) => errors.push(m);
  if (typeof doc.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(doc.openapi)) err(`openapi version ${doc.openapi}`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') err('info.title/info.version');
  if (!doc.paths || typeof doc.paths !== 'object' || !Object.keys(doc.paths).length) err('no paths');
  const schemes = doc.components?.securitySchemes ?? {};
  const operationIds = new Set<string>();

  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!path.startsWith('/')) err(`${path}: must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const ops = METHODS.filter((m) => item[m]);
    if (!ops.length) err(`${path}: no operations`);
    for (const method of ops) {
      const op = item[method];
      const where = `${method.toUpperCase()} ${path}`;
      if (op.operationId) {
        if (operationIds.has(op.operationId)) err(`${where}: duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      const params: Json[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => (p.$ref ? resolvePointer(doc, p.$ref) : p));
      for (const p of params) {
        if (!p?.name || !['query', 'header', 'path', 'cookie'].includes(p.in)) err(`${where}: bad parameter ${JSON.stringify(p)}`);
        if (!p.schema && !p.content) err(`${where}: parameter ${p.name} has no schema`);
        if (p.in === 'path' && p.required !== true) err(`${where}: path parameter ${p.name} must be required`);
        if (p.in === 'path' && !templated.includes(p.name)) err(`${where}: path parameter ${p.name} not in the path`);
      }
      for (const t of templated) if (!params.some((p) => p.in === 'path' && p.name === t)) err(`${where}: {${t}} is not declared`);
      if (op.requestBody) {
        const content = op.requestBody.content ?? {};
        if (!Object.keys(content).length) err(`${where}: requestBody without content`);
        for (const [type, media] of Object.entries<Json>(content)) if (!media.schema) err(`${where}: requestBody ${type} without schema`);
      }
      for (const req of op.security ?? []) for (const name of Object.keys(req)) if (!schemes[name]) err(`${where}: unknown security scheme ${name}`);
      const responses = op.responses ?? {};
      if (!Object.keys(responses).length) err(`${where}: no responses`);
      for (const [status, r] of Object.entries<Json>(responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) err(`${where}: bad status key ${status}`);
        const res = r.$ref ? resolvePointer(doc, r.$ref) : r;
        if (typeof res?.description !== 'string') err(`${where} ${status}: no description`);
        if (/^2\d\d$/.test(status) && status !== '204') {
          const media = Object.values<Json>(res?.content ?? {});
          if (!media.length || !media.every((m) => m.schema)) err(`${where} ${status}: success response without a schema`);
        }
        if (/^[45]\d\d$/.test(status)) {
          const schema = res?.content?.['application/problem+json']?.schema;
          if (!schema || schema.$ref !== '#/components/schemas/ProblemDto') err(`${where} ${status}: not documented as application/problem+json ProblemDto`);
        }
      }
    }
  }
  for (const [name, schema] of Object.entries<Json>(doc.components?.schemas ?? {})) {
    if (!schema || typeof schema !== 'object') err(`schema ${name} is not an object`);
    else if (!schema.type && !schema.$ref && !schema.allOf && !schema.oneOf && !schema.anyOf && !schema.enum) err(`schema ${name} has no type`);
  }
  const refs: { ref: string; at: string }[] = [];
  collectRefs(doc, '#', refs);
  for (const { ref, at } of refs) if (resolvePointer(doc, ref) === undefined) err(`${at}: $ref ${ref} does not resolve`);
  return errors;
}

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

  it('is structurally valid OpenAPI 3 (operations with responses, resolvable $refs, declared path parameters)', () => {
    expect(validate(doc)).toEqual([]);
  });

  it('the validator itself catches broken documents', () => {
    const broken = JSON.parse(JSON.stringify(doc));
    broken.paths['/v1/claims'].post.responses['201'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    broken.paths['/v1/claims/{id}'].get.parameters = [];
    broken.paths['/v1/ledger/trial-balance'].get.responses = {};
    const errors = validate(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('#/components/schemas/Nope does not resolve'),
        'GET /v1/claims/{id}: {id} is not declared',
        'GET /v1/ledger/trial-balance: no responses',
      ]),
    );
  });

  it('every operation documents the 4xx problems it can answer', () => {
    expect(missingErrors(doc)).toEqual([]);
  });

  it('documents every route the app serves', () => {
    const paths = Object.keys(doc.paths);
    for (const p of ['/v1/claims', '/v1/claims/{id}', '/v1/claims/{id}/events', '/v1/claims/{id}/cancel', '/v1/payouts/{id}', '/v1/ledger/balances', '/v1/ledger/trial-balance', '/health/live', '/health/ready']) {
      expect(paths).toContain(p);
    }
  });

  it('documents both claim bodies, the signed EIP-712 typed data, Idempotency-Key and the RateLimit headers', () => {
    const post = doc.paths['/v1/claims'].post;
    expect(post.requestBody.content['application/json'].schema.oneOf).toEqual([
      { $ref: '#/components/schemas/CreateClaimDto' },
      { $ref: '#/components/schemas/SignedClaimDto' },
    ]);
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
