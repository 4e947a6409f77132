import { ADMIN_TOKEN, API_KEY, http, sql, useWorld } from '../helpers/app';

/**
 * Issue 12, finding 3: /admin/queues is throttled and counted like every route (the per-IP budget and
 * payrail_auth_failures_total{kind="admin"}), answers the same 401 to a valid API key as to a wrong token
 * (no oracle), accepts only `Authorization: Bearer` or `X-Admin-Token` (a cross-site form post, which a
 * browser may send with remembered Basic credentials but never with these headers, does nothing), and is
 * read-only even with the admin token.
 */
describe('the queue board is throttled, read-only, and answers every wrong credential alike', () => {
  const LIMIT = 60;
  const t = useWorld({ ROLE: 'api', RL_PER_MIN_IP: String(LIMIT) });

  const adminFailures = async () => {
    const text = String((await http<string>(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    return Number(/payrail_auth_failures_total\{kind="admin"\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  const board = (path: string, init: RequestInit = {}) => fetch(t.app.url + '/admin/queues' + path, init);
  const problemOf = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });
  const queueState = async () => {
    const r = await http(t.app, 'GET', '/admin/queues/api/queues', undefined, { auth: 'admin' });
    expect(r.status).toBe(200);
    return r.body.queues.find((q: { name: string }) => q.name === 'claims') as { isPaused: boolean; readOnlyMode: boolean; counts: Record<string, number> };
  };

  it('a valid API key gets exactly the 401 a wrong token gets (status, headers that matter, body)', async () => {
    const wrong = await problemOf(await board('/api/queues', { headers: { authorization: 'Bearer not-the-admin-token' } }));
    const apiKey = await problemOf(await board('/api/queues', { headers: { authorization: `Bearer ${API_KEY}` } }));
    const apiKeyX = await problemOf(await board('/api/queues', { headers: { 'x-admin-token': API_KEY } }));
    const basic = await problemOf(await board('/api/queues', { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } }));
    expect(wrong.status).toBe(401);
    expect(wrong.type).toContain('application/problem+json');
    for (const other of [apiKey, apiKeyX, basic]) expect(other).toEqual(wrong);
  });

  it('is read-only with the admin token: mutating board routes are refused and change nothing', async () => {
    const before = await queueState();
    expect(before.readOnlyMode).toBe(true);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const pause = await board('/api/queues/claims/pause', { method: 'PUT', headers: auth });
    expect(pause.status).toBe(405);
    const pauseAll = await board('/api/queues/pause', { method: 'PUT', headers: auth });
    expect(pauseAll.status).toBe(405);
    const add = await board('/api/queues/claims/add', { method: 'POST', headers: auth, body: JSON.stringify({ name: 'pay-claim', data: { claimId: 'x' } }) });
    expect(add.status).toBe(405);
    const clean = await board('/api/queues/claims/clean/completed', { method: 'PUT', headers: { 'x-admin-token': ADMIN_TOKEN } });
    expect(clean.status).toBe(405);
    const after = await queueState();
    expect(after.isPaused).toBe(false);
    expect(after.counts).toEqual(before.counts);
  });

  it('a cross-site form post (no Authorization, Origin evil.example, urlencoded) does nothing: 401', async () => {
    const before = await queueState();
    const failuresBefore = await adminFailures();
    for (const path of ['/api/queues/claims/add', '/api/queues/pause', '/api/queues/claims/pause']) {
      const res = await board(path, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', cookie: 'session=whatever' },
        body: 'name=pay-claim&data=%7B%7D',
      });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(await adminFailures()).toBe(failuresBefore + 3);
    const after = await queueState();
    expect(after.isPaused).toBe(false);
    expect(after.counts).toEqual(before.counts);
    expect((await sql(t.world, 'SELECT count(*)::int AS n FROM claims'))[0].n).toBe(0);
  });

  it('200 wrong tokens are throttled (429 with Retry-After once the per-IP budget is spent) and every refusal is counted', async () => {
    const failuresBefore = await adminFailures();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 200; i++) {
      const res = await board('/api/queues', { headers: { 'x-admin-token': `guess-${i}-${'x'.repeat(32)}` } });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter ??= res.headers.get('retry-after');
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      await res.arrayBuffer();
    }
    const unauthorized = statuses.filter((s) => s === 401).length;
    const throttled = statuses.filter((s) => s === 429).length;
    expect(unauthorized + throttled).toBe(200);
    expect(unauthorized).toBeLessThanOrEqual(LIMIT);
    expect(throttled).toBeGreaterThanOrEqual(200 - LIMIT);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(await adminFailures()).toBe(failuresBefore + unauthorized);
    // the budget is the IP's, shared with every route: this client's requests without a valid API key are
    // throttled too (a valid API key counts against its own per-key budget instead: RL_PER_MIN_KEY)
    expect((await http(t.app, 'GET', '/v1/claims?limit=1', undefined, { auth: null })).status).toBe(429);
    // and even the right token waits: guessing cannot be interleaved with real use
    expect((await board('/api/queues', { headers: { 'x-admin-token': ADMIN_TOKEN } })).status).toBe(429);
  });
});
