import type { AppConfig } from '../../config/config';
import { applies as appliesTo, isIpLimited, LimitedRequest, policyHeader, providerOf, rateLimitHeader, RL_COUNTED, throttlersFor, walletOf } from './rate-limit.policies';
import { findNul } from './reject-nul.pipe';

function req(method: string, route: string, extra: Partial<LimitedRequest> = {}): LimitedRequest {
  return { method, url: route, routeOptions: { url: route }, params: {}, body: undefined, headers: {}, ...extra } as unknown as LimitedRequest;
}
/** The one valid API key of these tests: `good-secret`, named `acme`. */
const verify = (secret: string) => (secret === 'good-secret' ? 'acme' : null);
const applies = (name: Parameters<typeof appliesTo>[0], r: LimitedRequest) => appliesTo(name, r, verify);
const W = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('rate-limit policies by route', () => {
  it('ip: every route but the health probes, metrics, docs and inbound webhooks', () => {
    for (const r of ['/v1/claims', '/v1/claims/:id', '/v1/admin/dlq', '/v1/webhook-endpoints', '/v1/ledger/balances', '/health/claims', '/health/workers']) {
      expect(isIpLimited(r)).toBe(true);
    }
    for (const r of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs-json', '/v1/webhooks/:provider']) expect(isIpLimited(r)).toBe(false);
  });

  it('claims-wallet: POST /v1/claims only, once authenticated, with a well-formed wallet, lower-cased', () => {
    const body = { wallet: W };
    expect(applies('claims-wallet', req('POST', '/v1/claims', { body }))).toBe(false); // not authenticated yet
    const authed = req('POST', '/v1/claims', { body, principal: { kind: 'client', name: 'a' } });
    expect(applies('claims-wallet', authed)).toBe(true);
    expect(walletOf(authed)).toBe(W.toLowerCase());
    expect(applies('claims-wallet', req('POST', '/v1/claims', { body: { wallet: 'nope' }, principal: { kind: 'client', name: 'a' } }))).toBe(false);
    expect(applies('claims-wallet', req('GET', '/v1/claims', { body, principal: { kind: 'client', name: 'a' } }))).toBe(false);
    // a signed claim counts only its verified wallet
    expect(applies('claims-wallet', req('POST', '/v1/claims', { body, principal: { kind: 'signed', name: 'signed' } }))).toBe(false);
    const verified = req('POST', '/v1/claims', { body: { wallet: '0x' + '1'.repeat(40) }, principal: { kind: 'signed', name: 'signed', wallet: W } });
    expect(walletOf(verified)).toBe(W.toLowerCase());
  });

  it('webhook-provider: by provider, lower-cased, and never counted by the global guard (only once verified)', () => {
    const r = req('POST', '/v1/webhooks/:provider', { params: { provider: 'Acme' } as never });
    expect(applies('webhook-provider', r)).toBe(false);
    expect(applies('webhook-failures', r)).toBe(false);
    expect(providerOf(r)).toBe('acme');
    expect(applies('webhook-provider', req('POST', '/v1/claims'))).toBe(false);
    expect(providerOf({ url: '/v1/webhooks/Legacy?x=1', routeOptions: {} } as never)).toBe('legacy');
  });

  it('ip for requests without a valid API key (failed guesses included); api-key, per key name, for those with one', () => {
    const bearer = (secret: string) => req('GET', '/v1/claims', { headers: { authorization: `Bearer ${secret}` } } as never);
    for (const r of [req('GET', '/v1/claims'), bearer('wrong-secret')]) {
      expect(applies('ip', r)).toBe(true);
      expect(applies('api-key', r)).toBe(false);
    }
    const good = bearer('good-secret');
    expect(applies('ip', good)).toBe(false);
    expect(applies('api-key', good)).toBe(true);
    const t = throttlersFor({ rlPerMinIp: 600, rlPerMinKey: 6000, rlClaimsPerHourWallet: 60, rlWebhookPerMin: 100, queuePrefix: 'pfx' } as AppConfig, verify);
    expect(t.find((x) => x.name === 'api-key')!.getTracker!(good as never, null as never)).toBe('acme');
    // exempt routes stay exempt with a key
    expect(applies('api-key', req('GET', '/health/ready', { headers: { authorization: 'Bearer good-secret' } } as never))).toBe(false);
  });

  it('a policy is counted at most once per request', () => {
    const r = req('GET', '/v1/claims');
    expect(applies('ip', r)).toBe(true);
    r[RL_COUNTED] = new Set(['ip']);
    expect(applies('ip', r)).toBe(false);
  });

  it('limits and windows come from config; keys live under the queue prefix', () => {
    const t = throttlersFor({ rlPerMinIp: 600, rlPerMinKey: 6000, rlClaimsPerHourWallet: 60, rlWebhookPerMin: 100, queuePrefix: 'pfx' } as AppConfig, verify);
    expect(t.map((x) => [x.name, x.limit, x.ttl])).toEqual([
      ['ip', 600, 60_000],
      ['api-key', 6000, 60_000],
      ['claims-wallet', 60, 3_600_000],
    ]);
    const key = t[2]!.generateKey!(null as never, '0xabc', 'claims-wallet');
    expect(key).toMatch(/^pfx:rl:claims-wallet:[0-9a-f]{40}$/);
    expect(key).not.toContain('0xabc');
  });
});

describe('IETF RateLimit headers', () => {
  it('formats policies and remaining quota as structured-field lists', () => {
    const states = [
      { name: 'ip' as const, q: 600, w: 60, r: 599, t: 60 },
      { name: 'claims-wallet' as const, q: 60, w: 3600, r: 12, t: 1800 },
    ];
    expect(policyHeader(states)).toBe('"ip";q=600;w=60, "claims-wallet";q=60;w=3600');
    expect(rateLimitHeader(states)).toBe('"ip";r=599;t=60, "claims-wallet";r=12;t=1800');
    expect(rateLimitHeader(states.slice(1))).toBe('"claims-wallet";r=12;t=1800');
  });
});

describe('findNul', () => {
  it('names the first field holding a NUL character, at any depth', () => {
    expect(findNul({ a: 'ok', b: { c: ['x', 'y\u0000'] } }, '')).toBe('b.c[1]');
    expect(findNul('a\u0000', 'account')).toBe('account');
    expect(findNul({ a: 1, b: null, c: 'fine' }, '')).toBeNull();
    expect(findNul({ ['k\u0000']: 1 }, '')).toBe('k\\u0000');
  });
});
