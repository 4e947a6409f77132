import { sendSignedWebhook, testSecret } from '../helpers/webhook-receiver';
import { API_KEY, bootApp, http, newWorld, sql, TestApp, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 4, acceptance 5 (API.md "Rate limits"): 60 claims per wallet per hour, counted in Redis and shared by
 * every process (two app instances on one QUEUE_PREFIX here); the 61st -> 429 problem with Retry-After and
 * the IETF RateLimit headers, while another wallet behind the same IP still gets 201. Unauthenticated
 * requests cannot spend a wallet's budget. Per-IP limits cover every client route, failed auth included,
 * but not health, metrics or docs. Inbound webhooks are limited per provider, counting verified requests only.
 */
describe('rate limits: per wallet and per IP, one budget across processes', () => {
  let world: World;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    world = newWorld();
    a = await bootApp(world, { ROLE: 'api' });
    b = await bootApp(world, { ROLE: 'api' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('the 61st claim for one wallet within the hour is refused, whichever process gets it; another wallet is not', async () => {
    const wallet = freshWallet();
    const claim = (app: TestApp, i: number, auth: 'client' | null = 'client') =>
      http(app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '0.01', reason: `rl:${i}` }, { auth });

    // requests without credentials are refused before they could spend the wallet's budget
    for (let i = 0; i < 5; i++) expect((await claim(a, 1000 + i, null)).status).toBe(401);

    const first = await claim(a, 0);
    expect(first.status).toBe(201);
    // authenticated: the key's budget (RL_PER_MIN_KEY), not the IP's
    expect(first.headers.get('ratelimit-policy')).toBe('"api-key";q=6000;w=60, "claims-wallet";q=60;w=3600');
    expect(first.headers.get('ratelimit')).toMatch(/^"api-key";r=\d+;t=\d+, "claims-wallet";r=59;t=(3600|3599)$/);

    // 59 more, alternating between the two processes, in parallel batches
    for (let batch = 0; batch < 59; batch += 10) {
      const ids = Array.from({ length: Math.min(10, 59 - batch) }, (_, j) => 1 + batch + j);
      const rs = await Promise.all(ids.map((i) => claim(i % 2 ? b : a, i)));
      for (const r of rs) expect(r.status).toBe(201);
    }
    const last = await claim(b, 60);
    expect(last.status).toBe(429);
    expect(last.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(last.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'RATE_LIMIT.EXCEEDED' });
    const retryAfter = Number(last.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(last.headers.get('ratelimit-policy')).toContain('"claims-wallet";q=60;w=3600');
    expect(last.headers.get('ratelimit')).toContain(`"claims-wallet";r=0;t=${retryAfter}`);
    // the other process shares the block
    expect((await claim(a, 61)).status).toBe(429);
    expect((await sql(world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [wallet]))[0].n).toBe(60);

    // another wallet from the same IP has its own budget
    const other = await http(b, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.01', reason: 'rl:other' });
    expect(other.status).toBe(201);
    expect(other.headers.get('ratelimit')).toContain('"claims-wallet";r=59;');
  });

  it('per IP for requests without a valid key (401s too), per key once the key is valid; health and metrics do not count; shared', async () => {
    const prefix = `${world.env.QUEUE_PREFIX}ip`;
    const other = 'other-client-secret-1';
    const env = { ROLE: 'api', RL_PER_MIN_IP: '5', RL_PER_MIN_KEY: '3', QUEUE_PREFIX: prefix, API_KEYS: `e2e:${API_KEY},other:${other}` };
    const c = await bootApp(world, env);
    const d = await bootApp(world, env);
    try {
      expect((await http(c, 'GET', '/v1/claims?limit=1', undefined, { auth: null })).status).toBe(401);
      expect((await http(d, 'GET', '/v1/claims?limit=1', undefined, { auth: 'wrong-secret' })).status).toBe(401);
      const ok = await http(c, 'GET', '/v1/ledger/trial-balance');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"api-key";q=3;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(/^"api-key";r=2;t=(60|59)$/);
      expect((await http(d, 'GET', '/v1/claims?limit=1')).status).toBe(200);
      expect((await http(c, 'GET', '/v1/claims?limit=1')).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        expect((await http(c, 'GET', '/health/live', undefined, { auth: null })).status).toBe(200);
        expect((await http(d, 'GET', '/metrics', undefined, { auth: null })).status).toBe(200);
      }
      const over = await http(d, 'GET', '/v1/claims?limit=1');
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(over.headers.get('ratelimit')).toMatch(/^"api-key";r=0;t=\d+$/);

      // the key's exhaustion did not touch the IP budget: 3 more guesses are 401, then 429, not a free 401 guess
      for (let i = 0; i < 3; i++) expect((await http(c, 'GET', '/v1/claims', undefined, { auth: `guess-${i}` })).status).toBe(401);
      const guess = await http(d, 'GET', '/v1/claims', undefined, { auth: 'guess' });
      expect(guess.status).toBe(429);
      expect(guess.headers.get('ratelimit')).toMatch(/^"ip";r=0;t=\d+$/);

      // key e2e and the IP are both exhausted; key `other` from the same IP still works (its own budget)
      const b = await http(c, 'GET', '/v1/claims?limit=1', undefined, { auth: other });
      expect(b.status).toBe(200);
      expect(b.headers.get('ratelimit')).toMatch(/^"api-key";r=2;t=\d+$/);

      const health = await http(c, 'GET', '/health/live', undefined, { auth: null });
      expect(health.status).toBe(200);
      expect(health.headers.get('ratelimit')).toBeNull();
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('TRUST_PROXY: clients behind one proxy have separate IP budgets; without it they share the proxy\'s', async () => {
    const guess = (app: TestApp, client: string) =>
      http(app, 'GET', '/v1/claims', undefined, { auth: 'guess', headers: { 'x-forwarded-for': client } });
    const trusting = await bootApp(world, { ROLE: 'api', RL_PER_MIN_IP: '2', TRUST_PROXY: '1', QUEUE_PREFIX: `${world.env.QUEUE_PREFIX}tp` });
    try {
      expect((await guess(trusting, '203.0.113.1')).status).toBe(401);
      expect((await guess(trusting, '203.0.113.1')).status).toBe(401);
      expect((await guess(trusting, '203.0.113.1')).status).toBe(429);
      // another client behind the same proxy address (127.0.0.1): its own budget
      expect((await guess(trusting, '203.0.113.2')).status).toBe(401);
      // a spoofed chain: only the hop the proxy appended counts
      expect((await guess(trusting, '198.51.100.7, 203.0.113.1')).status).toBe(429);
    } finally {
      await trusting.close();
    }
    const plain = await bootApp(world, { ROLE: 'api', RL_PER_MIN_IP: '2', QUEUE_PREFIX: `${world.env.QUEUE_PREFIX}np` });
    try {
      expect((await guess(plain, '203.0.113.1')).status).toBe(401);
      expect((await guess(plain, '203.0.113.2')).status).toBe(401);
      expect((await guess(plain, '203.0.113.3')).status).toBe(429); // X-Forwarded-For ignored: one budget
    } finally {
      await plain.close();
    }
  });

  it('per provider on inbound webhooks, counted only once the signature is verified (the IP budget is not used)', async () => {
    const prefix = `${world.env.QUEUE_PREFIX}wh`;
    const acme = testSecret('rl-acme');
    const other = testSecret('rl-other');
    const e = await bootApp(world, { ROLE: 'api', RL_WEBHOOK_PER_MIN: '3', RL_PER_MIN_IP: '2', QUEUE_PREFIX: prefix, WEBHOOK_SECRETS: `acme:${acme},other:${other}` });
    try {
      const hook = (provider: string, secret: string) =>
        sendSignedWebhook(e, provider, secret, { id: `evt_${Math.random()}`, type: 'noise.ignored', data: {} });
      const unsigned = await http(e, 'POST', '/v1/webhooks/acme', { id: 'evt_x', type: 'noise.ignored', data: {} }, { auth: null });
      expect(unsigned.status).toBe(401); // refused, and spends nothing of acme's budget
      for (let i = 0; i < 3; i++) {
        const r = await hook('acme', acme);
        expect(r.status).toBeLessThan(300);
        expect(r.headers.get('ratelimit-policy')).toBe('"webhook-provider";q=3;w=60');
      }
      const over = await hook('acme', acme);
      expect(over.status).toBe(429);
      expect(over.headers.get('ratelimit')).toMatch(/^"webhook-provider";r=0;t=\d+$/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await hook('other', other)).status).toBeLessThan(300); // another provider, another budget
    } finally {
      await e.close();
    }
  });
});
