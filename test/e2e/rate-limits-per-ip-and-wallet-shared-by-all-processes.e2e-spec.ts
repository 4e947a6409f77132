import { sendSignedWebhook, testSecret } from '../helpers/webhook-receiver';
import { bootApp, http, newWorld, sql, TestApp, World } from '../helpers/app';
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
    expect(first.headers.get('ratelimit-policy')).toBe('"ip";q=600;w=60, "claims-wallet";q=60;w=3600');
    expect(first.headers.get('ratelimit')).toMatch(/^"ip";r=\d+;t=\d+, "claims-wallet";r=59;t=(3600|3599)$/);

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

  it('per IP: every client route counts (401s too), health and metrics do not; the budget is shared', async () => {
    const prefix = `${world.env.QUEUE_PREFIX}ip`;
    const c = await bootApp(world, { ROLE: 'api', RL_PER_MIN_IP: '5', QUEUE_PREFIX: prefix });
    const d = await bootApp(world, { ROLE: 'api', RL_PER_MIN_IP: '5', QUEUE_PREFIX: prefix });
    try {
      expect((await http(c, 'GET', '/v1/claims?limit=1', undefined, { auth: null })).status).toBe(401);
      expect((await http(d, 'GET', '/v1/claims?limit=1', undefined, { auth: 'wrong-secret' })).status).toBe(401);
      const ok = await http(c, 'GET', '/v1/ledger/trial-balance');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"ip";q=5;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(/^"ip";r=2;t=(60|59)$/);
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
      expect(over.headers.get('ratelimit')).toMatch(/^"ip";r=0;t=\d+$/);
      // over the IP limit, even a request without credentials gets 429, not a free 401 guess
      expect((await http(c, 'GET', '/v1/claims', undefined, { auth: 'guess' })).status).toBe(429);
      const health = await http(c, 'GET', '/health/live', undefined, { auth: null });
      expect(health.status).toBe(200);
      expect(health.headers.get('ratelimit')).toBeNull();
    } finally {
      await c.close();
      await d.close();
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
