import fc from 'fast-check';
import { ADMIN_TOKEN, API_KEY, bootApp, http, newWorld, TestApp, World } from '../helpers/app';

/**
 * Issue 4, acceptance 6: property-based fuzzing of every operation in /docs-json (so routes added by other
 * modules are fuzzed too): random path parameters, query strings, headers and bodies (schema-shaped bodies
 * with random mutations, arbitrary JSON, malformed JSON, wrong content types) -> never a 5xx, and every 4xx
 * is application/problem+json with type, title, status and detail. Runs are bounded (RUNS per operation).
 */
type Json = any;
const RUNS = Number(process.env.FUZZ_RUNS_PER_OPERATION || 150);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const adversarialString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'null', '0', '-1', '1e309', '0x', "'; DROP TABLE claims; --", '../../etc/passwd', '%00', '\uFFFF', '𝟘'.repeat(3)),
  fc.uuid(),
  fc.string({ minLength: 190, maxLength: 320 }),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), adversarialString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const headerSafe = fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 0, maxLength: 300 }).map((cs) => String.fromCharCode(...cs));

/** Lone surrogates cannot be percent-encoded: replace them as a browser would. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function resolve(doc: Json, node: Json): Json {
  let n = node;
  for (let i = 0; i < 10 && n?.$ref; i++) n = n.$ref.slice(2).split('/').reduce((o: Json, k: string) => o?.[k], doc);
  return n;
}

/** A value shaped by the schema (its examples when present), each part replaced by random JSON at times. */
function fromSchema(doc: Json, schema: Json, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema) ?? {};
  if (s.oneOf || s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf).map((x: Json) => fromSchema(doc, x, depth + 1)));
  if (depth > 4) return anyJson;
  let shaped: fc.Arbitrary<unknown>;
  if (s.type === 'object' || s.properties) {
    const props = Object.entries<Json>(s.properties ?? {});
    shaped = fc
      .tuple(
        fc.tuple(...props.map(([, p]) => fromSchema(doc, p, depth + 1))),
        fc.array(fc.oneof({ arbitrary: fc.constant(true), weight: 12 }, { arbitrary: fc.constant(false), weight: 1 }), {
          minLength: props.length,
          maxLength: props.length,
        }),
        fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.tuple(fc.string({ maxLength: 12 }), anyJson), weight: 1 }),
      )
      .map(([values, keep, extra]) => {
        const o: Record<string, unknown> = {};
        props.forEach(([k], i) => {
          if (keep[i] !== false) o[k] = values[i];
        });
        if (extra) o[extra[0]] = extra[1];
        return o;
      });
  } else if (s.type === 'array') {
    shaped = fc.array(fromSchema(doc, s.items ?? {}, depth + 1), { maxLength: 5 });
  } else if (s.example !== undefined) {
    shaped = fc.constant(s.example);
  } else if (s.enum) {
    shaped = fc.constantFrom(...s.enum);
  } else if (s.type === 'integer' || s.type === 'number') {
    shaped = fc.integer({ min: -5, max: 1000 });
  } else if (s.type === 'boolean') {
    shaped = fc.boolean();
  } else if (s.format === 'uuid') {
    shaped = fc.uuid();
  } else {
    shaped = adversarialString;
  }
  return fc.oneof({ arbitrary: shaped, weight: 12 }, { arbitrary: anyJson, weight: 1 });
}

interface Operation {
  method: string;
  path: string;
  op: Json;
}

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) for (const m of METHODS) if (item[m]) out.push({ method: m.toUpperCase(), path, op: item[m] });
  return out;
}

interface Request {
  path: string;
  query: [string, string][];
  auth: 'right' | 'none' | 'wrong' | 'other';
  idempotencyKey: string | null;
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } | { kind: 'none' };
}

function requestArb(doc: Json, { method, path, op }: Operation, knownIds: string[]): fc.Arbitrary<Request> {
  const params: Json[] = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const idArb = fc.oneof(fc.uuid(), fc.constantFrom(...knownIds), adversarialString, fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 40, maxLength: 40 }).map((h) => '0x' + h));
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const bodyArb: fc.Arbitrary<Request['body']> =
    method === 'GET'
      ? fc.constant({ kind: 'none' as const })
      : fc.oneof(
          { arbitrary: (bodySchema ? fromSchema(doc, bodySchema) : anyJson).map((value) => ({ kind: 'json' as const, value })), weight: 6 },
          { arbitrary: anyJson.map((value) => ({ kind: 'json' as const, value })), weight: 2 },
          {
            arbitrary: fc.record({ text: fc.string({ maxLength: 60 }), type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded') }).map((r) => ({ kind: 'raw' as const, ...r })),
            weight: 1,
          },
          { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
        );
  return fc.record({
    path: fc.tuple(...pathParams.map(() => idArb)).map((values) => {
      let p = path;
      pathParams.forEach((param, i) => (p = p.replace(`{${param.name}}`, encodeURIComponent(wellFormed(String(values[i]))))));
      return p;
    }),
    query: fc.array(
      fc.tuple(
        fc.oneof({ arbitrary: fc.constantFrom(...(queryParams.length ? queryParams.map((q) => q.name) : ['x'])), weight: 4 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 }),
        fc.oneof(
          fc.constantFrom(...queryParams.flatMap((q) => [q.example, q.schema?.example, ...(q.schema?.enum ?? [])]).filter((v) => v !== undefined).map(String), '1', '200', '0'),
          adversarialString,
        ),
      ),
      { maxLength: 4 },
    ),
    auth: fc.constantFrom('right', 'right', 'right', 'none', 'wrong', 'other'),
    idempotencyKey: fc.option(headerSafe, { freq: 3 }),
    body: bodyArb,
  });
}

describe('fuzz: every endpoint, never a 5xx, always problem+json for 4xx', () => {
  let world: World;
  let app: TestApp;
  let doc: Json;
  const counts: Record<string, Record<string, number>> = {};
  const knownIds: string[] = [];

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world, {
      ROLE: 'api',
      RL_PER_MIN_IP: '1000000',
      RL_CLAIMS_PER_HOUR_WALLET: '1000000',
      RL_WEBHOOK_PER_MIN: '1000000',
      ALLOW_SIGNED_CLAIMS: 'true',
      CLAIM_ISSUERS: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
    });
    doc = (await http(app, 'GET', '/docs-json', undefined, { auth: null })).body;
    const created = await http(app, 'POST', '/v1/claims', { wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', token: 'USDC', amount: '0.1', reason: 'fuzz:seed' });
    knownIds.push(created.body.id);
  });
  afterAll(async () => {
    await app?.close();
    // eslint-disable-next-line no-console
    console.log(
      `fuzz runs (${RUNS} per operation):\n` +
        Object.entries(counts)
          .map(([op, byStatus]) => `  ${op}: ${Object.values(byStatus).reduce((a, b) => a + b, 0)} runs, statuses ${JSON.stringify(byStatus)}`)
          .join('\n'),
    );
  });

  it('covers the required endpoints', () => {
    const ops = operations(doc).map((o) => `${o.method} ${o.path}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /v1/claims',
        'POST /v1/claims/batch',
        'GET /v1/claims',
        'GET /v1/claims/{id}',
        'POST /v1/claims/{id}/cancel',
        'GET /v1/claims/{id}/events',
        'GET /v1/payouts/{id}',
        'GET /v1/ledger/balances',
        'GET /v1/ledger/trial-balance',
        'GET /health/live',
        'GET /health/ready',
      ]),
    );
  });

  it('every documented operation answers random input with < 500 and problem+json errors', async () => {
    const failures: string[] = [];
    for (const operation of operations(doc)) {
      const name = `${operation.method} ${operation.path}`;
      const tally = (counts[name] = {} as Record<string, number>);
      const admin = !!operation.op.responses?.['403'];
      const result = await fc.check(
        fc.asyncProperty(requestArb(doc, operation, knownIds), async (r) => {
          const headers: Record<string, string> = {};
          const secret = { right: admin ? ADMIN_TOKEN : API_KEY, none: null, wrong: 'not-a-key', other: admin ? API_KEY : ADMIN_TOKEN }[r.auth];
          if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
          const qs = r.query.length ? '?' + new URLSearchParams(r.query.map(([k, v]): [string, string] => [wellFormed(k), wellFormed(v)])).toString() : '';
          let res;
          if (r.body.kind === 'json') {
            res = await http(app, operation.method, r.path + qs, r.body.value, { auth: secret, headers });
          } else if (r.body.kind === 'raw') {
            res = await http(app, operation.method, r.path + qs, undefined, { auth: secret, headers: { ...headers, 'content-type': r.body.type }, raw: r.body.text });
          } else {
            res = await http(app, operation.method, r.path + qs, undefined, { auth: secret, headers });
          }
          tally[res.status] = (tally[res.status] ?? 0) + 1;
          if (res.status >= 500 && !(operation.path === '/health/ready' && res.status === 503)) return false;
          if (res.status >= 400) {
            if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) return false;
            const b = res.body;
            if (!b || typeof b.type !== 'string' || typeof b.title !== 'string' || b.status !== res.status || typeof b.detail !== 'string') return false;
          }
          return true;
        }),
        { numRuns: RUNS, endOnFailure: false },
      );
      if (result.failed) failures.push(`${name}: ${fc.defaultReportMessage(result)}`);
    }
    expect(failures).toEqual([]);
  });
});
