import { parseIdempotencyKey, requestFingerprint } from './fingerprint';
import { appliesTo, IDEMPOTENCY_PENDING, IdempotentRequest, scopeOf, startClaim } from './idempotency.interceptor';
import type { ClaimOutcome, IdempotencyStore } from './idempotency.store';
import { isReplayable } from './idempotency.recorder';

describe('requestFingerprint', () => {
  const body = { wallet: '0xabc', token: 'USDC', amount: '0.1', reason: 'r', nested: { b: 1, a: [1, { y: 2, x: 1 }] } };

  it('ignores key order and whitespace (canonical JSON)', () => {
    const reordered = JSON.parse(JSON.stringify({ nested: { a: [1, { x: 1, y: 2 }], b: 1 }, reason: 'r', amount: '0.1', token: 'USDC', wallet: '0xabc' }));
    expect(requestFingerprint('POST', '/v1/claims', reordered)).toBe(requestFingerprint('POST', '/v1/claims', body));
    expect(requestFingerprint('post', '/v1/claims', body)).toBe(requestFingerprint('POST', '/v1/claims', body));
  });

  it('changes with any value, the method, the path, or array order', () => {
    const base = requestFingerprint('POST', '/v1/claims', body);
    expect(requestFingerprint('POST', '/v1/claims', { ...body, amount: '0.10' })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/claims', body)).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/claims/x/cancel', body)).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/claims', { ...body, nested: { b: 1, a: [{ y: 2, x: 1 }, 1] } })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/claims', { ...body, amount: 0.1 })).not.toBe(base); // types matter
  });

  it('is a SHA-256 hex digest; no body and an empty body are the same request', () => {
    expect(requestFingerprint('POST', '/p', undefined)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('POST', '/p', undefined)).toBe(requestFingerprint('POST', '/p', null));
  });
});

describe('parseIdempotencyKey', () => {
  it('accepts 1..255 characters, refuses the rest and repeated headers', () => {
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
    expect(parseIdempotencyKey('')).toBeNull();
    expect(parseIdempotencyKey('x'.repeat(256))).toBeNull();
    expect(parseIdempotencyKey(['a', 'b'])).toBeNull();
    expect(parseIdempotencyKey(undefined)).toBeNull();
  });
});

describe('which responses are stored for replay', () => {
  it.each([
    [200, true],
    [201, true],
    [202, true],
    [404, true],
    [410, true],
    [422, true],
    [400, false],
    [401, false],
    [403, false],
    [409, false],
    [429, false],
    [500, false],
    [503, false],
  ])('%i -> %s', (status, stored) => expect(isReplayable(status)).toBe(stored));
});

describe('scope and applicability', () => {
  it('scopes keys per API key name, admin, or signing wallet', () => {
    expect(scopeOf({ kind: 'client', name: 'acme' })).toBe('client:acme');
    expect(scopeOf({ kind: 'client', name: 'admin' })).not.toBe(scopeOf({ kind: 'admin', name: 'admin' }));
    expect(scopeOf({ kind: 'signed', name: 'signed', wallet: '0xAbC' })).toBe('signed:0xabc');
  });

  it('applies to every client and admin POST but inbound webhooks', () => {
    const req = (method: string, url: string, principal: unknown = { kind: 'client', name: 'a' }) => ({ method, url, routeOptions: { url }, principal }) as never;
    expect(appliesTo(req('POST', '/v1/claims', null))).toBe(false); // public route: no caller to scope the key to
    expect(appliesTo(req('POST', '/v1/claims'))).toBe(true);
    expect(appliesTo(req('POST', '/v1/admin/dlq/:jobId/retry'))).toBe(true);
    expect(appliesTo(req('GET', '/v1/claims'))).toBe(false);
    expect(appliesTo(req('POST', '/v1/webhooks/:provider'))).toBe(false);
    expect(appliesTo(req('POST', '/v1/webhook-endpoints'))).toBe(true);
  });
});

describe('startClaim (the early claim, started by a guard right after authentication)', () => {
  const outcome: ClaimOutcome = { kind: 'claimed', id: 'r1', token: 't1', takenOver: false };
  const fakeStore = (claim: jest.Mock) => ({ claim }) as unknown as IdempotencyStore;
  const req = (over: Record<string, unknown> = {}) =>
    ({
      method: 'POST',
      url: '/v1/claims?x=1',
      routeOptions: { url: '/v1/claims' },
      headers: { 'idempotency-key': 'k-1' },
      body: { b: 2, a: 1 },
      principal: { kind: 'client', name: 'acme' },
      ...over,
    }) as unknown as IdempotentRequest;

  it('claims once per request, scoped and fingerprinted like the interceptor would', async () => {
    const claim = jest.fn().mockResolvedValue(outcome);
    const r = req();
    startClaim(r, fakeStore(claim));
    startClaim(r, fakeStore(claim)); // the interceptor calling it again does not claim twice
    expect(claim).toHaveBeenCalledTimes(1);
    expect(claim).toHaveBeenCalledWith('client:acme', 'k-1', requestFingerprint('POST', '/v1/claims', { a: 1, b: 2 }), 'POST', '/v1/claims');
    await expect(r[IDEMPOTENCY_PENDING]).resolves.toEqual(outcome);
  });

  it.each([
    ['no key', { headers: {} }],
    ['a malformed key (left for the interceptor to reject with a 400)', { headers: { 'idempotency-key': '' } }],
    ['a GET', { method: 'GET' }],
    ['no principal yet', { principal: undefined }],
    ['a signed principal whose wallet is not verified yet', { principal: { kind: 'signed', name: 'signed' } }],
  ])('does nothing for %s', (_what, over) => {
    const claim = jest.fn().mockResolvedValue(outcome);
    const r = req(over);
    startClaim(r, fakeStore(claim));
    expect(claim).not.toHaveBeenCalled();
    expect(r[IDEMPOTENCY_PENDING]).toBeUndefined();
  });

  it('keeps a store failure in the outcome (no unhandled rejection; the interceptor rethrows it)', async () => {
    const error = new Error('connection refused');
    const r = req();
    startClaim(r, fakeStore(jest.fn().mockRejectedValue(error)));
    await expect(r[IDEMPOTENCY_PENDING]).resolves.toEqual({ kind: 'failed', error });
  });
});
