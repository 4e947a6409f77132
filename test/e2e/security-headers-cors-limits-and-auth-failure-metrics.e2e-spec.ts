import { API_KEY, bootApp, http, useWorld } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 4 (hardening): helmet security headers on every response, CORS off unless CORS_ORIGINS allows an
 * origin, the 64 KiB body limit (413) and unknown fields (400) kept, NUL characters and over-long path
 * parameters answered as 4xx problems (not 5xx), and failed authentication counted in
 * payrail_auth_failures_total{kind} without the secret appearing anywhere.
 */
describe('security headers, CORS, request limits, auth failure metrics', () => {
  const t = useWorld({ ROLE: 'api' });

  const valid = () => ({ wallet: freshWallet(), token: 'USDC', amount: '0.1', reason: `sec:${Math.random()}` });

  function expectSecurityHeaders(h: Headers) {
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
  }

  it('helmet headers on successes, problems and docs', async () => {
    expectSecurityHeaders((await http(t.app, 'GET', '/v1/claims?limit=1')).headers);
    expectSecurityHeaders((await http(t.app, 'GET', '/v1/claims', undefined, { auth: null })).headers);
    expectSecurityHeaders((await http(t.app, 'GET', '/health/live', undefined, { auth: null })).headers);
    expectSecurityHeaders((await fetch(t.app.url + '/docs')).headers);
  });

  it('CORS is off by default: no Access-Control headers, preflight not answered', async () => {
    const res = await fetch(t.app.url + '/v1/claims?limit=1', { headers: { origin: 'https://evil.example', authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(t.app.url + '/v1/claims', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.status).toBeGreaterThanOrEqual(400);
  });

  it('CORS_ORIGINS allows exactly the listed origins, with the idempotency and rate-limit headers exposed', async () => {
    const cors = await bootApp(t.world, { ROLE: 'api', CORS_ORIGINS: 'https://app.example.com' });
    try {
      const pre = await fetch(cors.url + '/v1/claims', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key,authorization' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
      const res = await fetch(cors.url + '/v1/claims?limit=1', { headers: { origin: 'https://app.example.com', authorization: `Bearer ${API_KEY}` } });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(res.headers.get('access-control-expose-headers')).toContain('X-Idempotency');
      const other = await fetch(cors.url + '/v1/claims?limit=1', { headers: { origin: 'https://evil.example', authorization: `Bearer ${API_KEY}` } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.close();
    }
  });

  it('keeps the 64 KiB body limit (413) and unknown-field rejection (400), as problem+json', async () => {
    const big = await http(t.app, 'POST', '/v1/claims', { ...valid(), reason: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await http(t.app, 'POST', '/v1/claims', { ...valid(), memo: 'hi' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'memo', message: 'is not an allowed field' }]);
  });

  it('NUL characters in a body, query or path value are a 400 naming the field, never a 500', async () => {
    const q = await http(t.app, 'GET', '/v1/ledger/balances?account=%00');
    expect(q.status).toBe(400);
    expect(q.body.errors).toEqual([{ field: 'account', message: 'must not contain NUL characters' }]);
    const b = await http(t.app, 'POST', '/v1/claims', { ...valid(), reason: 'a\u0000b' });
    expect(b.status).toBe(400);
    expect(b.body.errors).toEqual([{ field: 'reason', message: 'must not contain NUL characters' }]);
  });

  it('a path parameter over the router limit is a 414 problem, not a raw framework error', async () => {
    const res = await http(t.app, 'GET', '/v1/claims/' + 'a'.repeat(150));
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 414, detail: expect.any(String) });
  });

  it('failed authentication is counted per kind, and the secret appears nowhere', async () => {
    const metric = async (kind: string) => {
      const text = (await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body as string;
      expect(text).not.toContain('hunter2-guess');
      return Number(new RegExp(`payrail_auth_failures_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const client0 = await metric('client');
    const admin0 = await metric('admin');
    const missing = await http(t.app, 'GET', '/v1/claims', undefined, { auth: null });
    const wrong = await http(t.app, 'GET', '/v1/claims', undefined, { auth: 'hunter2-guess' });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(JSON.stringify(wrong.body)).not.toContain('hunter2');
    expect((await http(t.app, 'GET', '/health/workers', undefined, { auth: 'hunter2-guess' })).status).toBe(401);
    expect((await http(t.app, 'GET', '/health/workers', undefined, { auth: 'client' })).status).toBe(403);
    expect(await metric('client')).toBe(client0 + 2);
    expect(await metric('admin')).toBe(admin0 + 2);
  });
});
