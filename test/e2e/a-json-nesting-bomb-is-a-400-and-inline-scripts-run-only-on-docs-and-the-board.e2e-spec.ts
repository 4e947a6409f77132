import { http, useWorld } from '../helpers/app';
import { legacyHeaders } from '../helpers/webhook-receiver';

/**
 * Issue 12, finding 9: a 64 KiB JSON nesting bomb is a 400 problem (it was a 500); the CSP that allows inline
 * scripts and styles is sent only by Swagger UI (/docs) and the queue board, every other response gets the
 * strict one; a webhook body that is not JSON, unsigned, is a 401 as the README says.
 */
describe('a JSON nesting bomb is a 400 and inline scripts run only on /docs and the board', () => {
  const LEGACY = 'legacy-secret-of-at-least-24-bytes';
  const t = useWorld({ ROLE: 'api', WEBHOOK_SECRETS: `legacy:${LEGACY}` });

  it('64 KiB of nested arrays (valid JSON) and 64 KiB of "[" are 400 problems, on client and admin routes', async () => {
    const half = 32 * 1024 - 8;
    const valid = '['.repeat(half) + ']'.repeat(half);
    const open = '['.repeat(64 * 1024 - 16);
    for (const [path, auth] of [['/v1/claims', 'client'], ['/v1/groups', 'client'], ['/v1/admin/claims/00000000-0000-0000-0000-000000000000/requeue', 'admin']] as const) {
      for (const raw of [valid, open, `{"wallet":${'['.repeat(100)}1${']'.repeat(100)}}`]) {
        const r = await http(t.app, 'POST', path, undefined, { raw, auth });
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.status).toBe(400);
      }
    }
    // an authentic-looking webhook with a bomb: not verified, so 401 (never a 5xx)
    const hook = await http(t.app, 'POST', '/v1/webhooks/legacy', undefined, { raw: valid, auth: null, headers: { 'content-type': 'application/json', 'x-signature': 'sha256=' + '0'.repeat(64) } });
    expect(hook.status).toBe(401);
    // and a correctly signed one is a 400: its body nests too deep
    const signed = await http(t.app, 'POST', '/v1/webhooks/legacy', undefined, { raw: valid, auth: null, headers: legacyHeaders(LEGACY, valid) });
    expect(signed.status).toBe(400);
  });

  it('the CSP allows inline scripts on /docs and /admin/queues only', async () => {
    const csp = async (path: string, headers: Record<string, string> = {}) => (await fetch(t.app.url + path, { headers })).headers.get('content-security-policy') ?? '';
    for (const path of ['/v1/claims', '/health/live', '/metrics', '/docs-json', '/nope']) {
      const p = await csp(path);
      expect({ path, p }).toEqual({ path, p: expect.stringContaining("default-src 'self'") });
      expect({ path, inline: p.includes('unsafe-inline') }).toEqual({ path, inline: false });
      expect(p).toMatch(/script-src 'self'(;|$)/);
    }
    for (const path of ['/docs', '/docs/', '/admin/queues', '/admin/queues/api/queues']) {
      const p = await csp(path, { 'x-admin-token': 'whatever' });
      expect({ path, p }).toEqual({ path, p: expect.stringMatching(/script-src 'self' 'unsafe-inline'/) });
      expect(p).toMatch(/style-src 'self' 'unsafe-inline'/);
    }
  });

  it('a webhook body that is not JSON and not signed is a 401, as the README says', async () => {
    for (const [type, raw] of [['application/json', 'not json at all'], ['application/x-www-form-urlencoded', 'a=1&b=2'], ['text/plain', 'plain']]) {
      const r = await http(t.app, 'POST', '/v1/webhooks/legacy', undefined, { raw, auth: null, headers: { 'content-type': type } });
      expect({ type, status: r.status }).toEqual({ type, status: 401 });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
