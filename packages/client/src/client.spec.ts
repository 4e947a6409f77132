import { backoffDelay, createPayrailClient, parseRetryAfter, PayrailError } from './index';
import type { Claim, PageItem } from './index';

/**
 * The client's hand-written parts against a fake transport (unit level; the e2e
 * the-client-retries-idempotently-pages-and-verifies-webhooks drives the live app): the Idempotency-Key of a
 * POST and its reuse on every retry, which outcomes are retried, Retry-After (seconds and HTTP date), bounded
 * attempts with jittered exponential backoff, and the page iterator.
 */
interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}
type Step = Response | Error | ((req: Request) => Promise<Response>);

function fakeFetch(steps: Step[]) {
  const seen: Seen[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    seen.push({ method: req.method, url: req.url, headers: new Headers(req.headers), body: await req.text() });
    const step = steps.shift();
    if (!step) throw new Error('no more scripted responses');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(req);
    return step;
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'https://payrail.dev/problems/x', title: 't', status, detail: 'd', code }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

const claim = (id: string): Claim => ({
  id,
  wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  token: 'USDC',
  amount: '0.1',
  amountBase: '100000',
  reason: `r:${id}`,
  idempoKey: '0x00',
  client: 'e2e',
  status: 'pending',
  attempts: 0,
  txHash: null,
  payoutId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  processedAt: null,
  lastError: null,
  program: null,
});
const body = { wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', token: 'USDC', amount: '0.1', reason: 'referral:1' };

function setup(steps: Step[], opts: Record<string, unknown> = {}) {
  const { fetch, seen } = fakeFetch(steps);
  const delays: number[] = [];
  let keys = 0;
  const client = createPayrailClient({
    baseUrl: 'http://payrail.test/',
    apiKey: 'k-secret',
    fetch,
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    newKey: () => `key-${++keys}`,
    ...opts,
  });
  return { client, seen, delays };
}

describe('Idempotency-Key', () => {
  it('every POST gets a fresh key, sent again unchanged (with the same body) on each retry of that call', async () => {
    const { client, seen } = setup([new TypeError('fetch failed'), problem(503, 'X'), json(201, claim('a')), json(200, claim('a'))]);
    const first = await client.POST('/v1/claims', { body });
    expect(first.data?.id).toBe('a');
    expect(first.response.status).toBe(201);
    await client.POST('/v1/claims', { body });
    expect(seen.map((s) => s.headers.get('idempotency-key'))).toEqual(['key-1', 'key-1', 'key-1', 'key-2']);
    expect(new Set(seen.slice(0, 3).map((s) => s.body))).toEqual(new Set([JSON.stringify(body)]));
    expect(seen.every((s) => s.headers.get('authorization') === 'Bearer k-secret')).toBe(true);
    expect(seen[0]!.url).toBe('http://payrail.test/v1/claims');
  });

  it("keeps the caller's own key (typed header parameter) across retries", async () => {
    const { client, seen } = setup([problem(502, 'X'), json(201, claim('a'))]);
    await client.POST('/v1/claims', { body, params: { header: { 'Idempotency-Key': 'mine-123' } } });
    expect(seen.map((s) => s.headers.get('idempotency-key'))).toEqual(['mine-123', 'mine-123']);
  });

  it('GETs and inbound webhook POSTs carry no key', async () => {
    const { client, seen } = setup([json(200, claim('a')), json(200, { duplicate: false })]);
    await client.GET('/v1/claims/{id}', { params: { path: { id: 'a' } } });
    await client.POST('/v1/webhooks/{provider}', { params: { path: { provider: 'acme' } }, body: { id: 'evt_1', type: 'x' } });
    expect(seen.map((s) => s.headers.get('idempotency-key'))).toEqual([null, null]);
  });

  it('the admin token goes as X-Admin-Token, and as the bearer when there is no API key', async () => {
    const { fetch, seen } = fakeFetch([json(200, []), json(200, [])]);
    await createPayrailClient({ baseUrl: 'http://p', adminToken: 'adm', fetch }).GET('/v1/admin/signers');
    await createPayrailClient({ baseUrl: 'http://p', apiKey: 'key', adminToken: 'adm', fetch }).GET('/v1/admin/signers');
    expect(seen.map((s) => [s.headers.get('authorization'), s.headers.get('x-admin-token')])).toEqual([
      ['Bearer adm', 'adm'],
      ['Bearer key', 'adm'],
    ]);
  });
});

describe('retries', () => {
  it('retries network errors, 5xx, 429 and the in-flight 409, then returns the answer', async () => {
    const { client, seen, delays } = setup(
      [new TypeError('fetch failed'), problem(500, 'X'), problem(429, 'RATE_LIMIT.EXCEEDED', { 'retry-after': '2' }), problem(409, 'IDEMPOTENCY.IN_FLIGHT', { 'retry-after': '1' }), json(200, claim('a'))],
      { retries: 5 },
    );
    const { data } = await client.POST('/v1/claims', { body });
    expect(data?.id).toBe('a');
    expect(seen).toHaveLength(5);
    // backoff (random 0.5 of 250 * 2^n) where there is no Retry-After, Retry-After where there is
    expect(delays).toEqual([125, 250, 2000, 1000]);
  });

  it('never retries any other 4xx, a 409 with another code included', async () => {
    for (const answer of [problem(400, 'VALIDATION'), problem(401, 'AUTH.UNAUTHORIZED'), problem(404, 'NOT_FOUND'), problem(409, 'CLAIM.CLAIMED_BY_ANOTHER_CLIENT'), problem(409, 'PROGRAM.BUDGET_EXCEEDED'), problem(422, 'IDEMPOTENCY.KEY_REUSED')]) {
      const { client, seen } = setup([answer]);
      const { error, response } = await client.POST('/v1/claims', { body });
      expect(seen).toHaveLength(1);
      expect(response.status).toBe(answer.status);
      expect(error).toEqual(expect.objectContaining({ code: expect.any(String) }));
    }
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { client, delays } = setup([problem(503, 'X', { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), json(200, claim('a'))]);
    await client.GET('/v1/claims/{id}', { params: { path: { id: 'a' } } });
    expect(delays).toEqual([7000]);
  });

  it('a Retry-After beyond maxRetryAfterMs is not waited for: the 429 is returned', async () => {
    const { client, seen } = setup([problem(429, 'RATE_LIMIT.EXCEEDED', { 'retry-after': '3600' })], { maxRetryAfterMs: 60_000 });
    const { response } = await client.POST('/v1/claims', { body });
    expect(response.status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it('gives up after `retries`: the last response, or the last network error', async () => {
    const a = setup([problem(503, 'X'), problem(503, 'X'), problem(503, 'X')], { retries: 2 });
    expect((await a.client.GET('/v1/claims/{id}', { params: { path: { id: 'a' } } })).response.status).toBe(503);
    expect(a.seen).toHaveLength(3);
    expect(a.delays).toEqual([125, 250]);

    const b = setup([new TypeError('down 1'), new TypeError('down 2')], { retries: 1 });
    await expect(b.client.POST('/v1/claims', { body })).rejects.toThrow('down 2');
    expect(b.seen).toHaveLength(2);

    const c = setup([problem(503, 'X')], { retries: 0 });
    expect((await c.client.GET('/v1/claims/{id}', { params: { path: { id: 'a' } } })).response.status).toBe(503);
  });

  it('the backoff grows exponentially up to maxDelayMs, with full jitter', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, 100, 1000, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
  });

  it('a timed-out attempt is retried with the same key; the caller aborting is not retried', async () => {
    const hang = (req: Request) =>
      new Promise<Response>((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason), { once: true }));
    const { client, seen } = setup([hang, json(201, claim('a'))], { timeoutMs: 50 });
    expect((await client.POST('/v1/claims', { body })).data?.id).toBe('a');
    expect(seen.map((s) => s.headers.get('idempotency-key'))).toEqual(['key-1', 'key-1']);

    const stop = new AbortController();
    const d = setup([hang, json(201, claim('a'))], { timeoutMs: 10_000 });
    setTimeout(() => stop.abort(new Error('caller gave up')), 20);
    await expect(d.client.POST('/v1/claims', { body, signal: stop.signal })).rejects.toThrow('caller gave up');
    expect(d.seen).toHaveLength(1);
  });

  it('parseRetryAfter reads delta-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('paginate', () => {
  it('follows nextCursor until null, keeping the query, and yields every item once', async () => {
    const page = (ids: string[], nextCursor: string | null) => json(200, { items: ids.map(claim), nextCursor });
    const { client, seen } = setup([page(['1', '2'], 'c1'), page(['3', '4'], 'c2'), page(['5'], null)]);
    const ids: string[] = [];
    for await (const c of client.paginate('/v1/claims', { query: { status: 'pending', limit: 2 } })) {
      const typed: PageItem<'/v1/claims'> = c;
      ids.push(typed.id);
    }
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
    expect(seen.map((s) => new URL(s.url).search)).toEqual(['?status=pending&limit=2', '?status=pending&limit=2&cursor=c1', '?status=pending&limit=2&cursor=c2']);
  });

  it('is lazy (breaking out requests no further page) and throws PayrailError on a failed page', async () => {
    const { client, seen } = setup([json(200, { items: [claim('1'), claim('2')], nextCursor: 'c1' })]);
    for await (const c of client.paginate('/v1/claims')) if (c.id === '1') break;
    expect(seen).toHaveLength(1);

    const failing = setup([json(200, { items: [claim('1')], nextCursor: 'c1' }), problem(400, 'VALIDATION')]);
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of failing.client.paginate('/v1/claims')) got.push(c.id);
    })().catch((e: unknown) => e);
    expect(got).toEqual(['1']);
    expect(err).toBeInstanceOf(PayrailError);
    expect((err as PayrailError).status).toBe(400);
    expect((err as PayrailError).code).toBe('VALIDATION');
  });

  it('pages a path with path parameters', async () => {
    const { client, seen } = setup([json(200, { items: [], nextCursor: null })]);
    for await (const _ of client.paginate('/v1/webhook-endpoints/{id}/deliveries', { path: { id: 'e1' }, query: { limit: 5 } })) void _;
    expect(new URL(seen[0]!.url).pathname).toBe('/v1/webhook-endpoints/e1/deliveries');
  });
});
