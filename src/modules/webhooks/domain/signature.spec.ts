import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { keysFor, newEndpointSecret, signStandard, verifyWebhook } from './signature';

const S1 = 'whsec_' + Buffer.from('first secret, 32 bytes long.....').toString('base64');
const S2 = 'whsec_' + Buffer.from('second secret (rotated in).......').toString('base64');
const body = Buffer.from('{"id":"evt_1","type":"contribution.settled","data":{"amount":"1"}}');
const now = 1_732_500_000;

/** Headers signed by the reference implementation (standardwebhooks 1.1.1). */
function signed(secret: string, raw: Buffer | string = body, ts = now, id = 'msg_1'): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': new Webhook(secret).sign(id, new Date(ts * 1000), raw.toString()),
  };
}

describe('verifyWebhook: Standard Webhooks v1', () => {
  const keys = keysFor([S1, S2]);

  it('accepts a signature made with any configured secret (rotation)', () => {
    expect(verifyWebhook(keys, signed(S1), body, now)).toEqual({ ok: true, scheme: 'standard', messageId: 'msg_1' });
    expect(verifyWebhook(keys, signed(S2), body, now).ok).toBe(true);
  });

  it('accepts a list where only one of several signatures is valid', () => {
    const h = signed(S2);
    h['webhook-signature'] = `v1,${Buffer.alloc(32, 7).toString('base64')} v1a,whatever ${h['webhook-signature']}`;
    expect(verifyWebhook(keys, h, body, now).ok).toBe(true);
  });

  it('refuses a wrong secret, a tampered body (one space) and a re-serialized body', () => {
    const other = 'whsec_' + Buffer.from('not our secret').toString('base64');
    expect(verifyWebhook(keys, signed(other), body, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const spaced = Buffer.from(body.toString().replace('"type":', '"type": '));
    expect(verifyWebhook(keys, signed(S1), spaced, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verifyWebhook(keys, signed(S1), reserialized, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a changed id or timestamp (both are signed)', () => {
    const h = signed(S1);
    expect(verifyWebhook(keys, { ...h, 'webhook-id': 'msg_2' }, body, now)).toMatchObject({ reason: 'bad_signature' });
    expect(verifyWebhook(keys, { ...h, 'webhook-timestamp': String(now + 1) }, body, now)).toMatchObject({ reason: 'bad_signature' });
  });

  it('tolerates 300 s either way, not 301', () => {
    expect(verifyWebhook(keys, signed(S1, body, now - 300), body, now).ok).toBe(true);
    expect(verifyWebhook(keys, signed(S1, body, now + 300), body, now).ok).toBe(true);
    expect(verifyWebhook(keys, signed(S1, body, now - 301), body, now)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhook(keys, signed(S1, body, now + 301), body, now)).toMatchObject({ ok: false, reason: 'future_timestamp' });
  });

  it('refuses missing headers and a non-numeric timestamp', () => {
    const h = signed(S1);
    expect(verifyWebhook(keys, {}, body, now)).toMatchObject({ ok: false, reason: 'missing_headers' });
    expect(verifyWebhook(keys, { ...h, 'webhook-signature': undefined }, body, now)).toMatchObject({ reason: 'missing_headers' });
    expect(verifyWebhook(keys, { ...h, 'webhook-id': undefined }, body, now)).toMatchObject({ reason: 'missing_headers' });
    expect(verifyWebhook(keys, { ...h, 'webhook-timestamp': '1e9' }, body, now)).toMatchObject({ reason: 'bad_timestamp' });
    expect(verifyWebhook(keys, { ...h, 'webhook-id': ['a', 'b'] }, body, now)).toMatchObject({ reason: 'missing_headers' });
  });

  it('refuses more than 16 signature entries', () => {
    const h = signed(S1);
    h['webhook-signature'] = Array.from({ length: 16 }, () => 'v1,AAAA').join(' ') + ' ' + h['webhook-signature'];
    expect(verifyWebhook(keys, h, body, now)).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('verifyWebhook: legacy X-Signature', () => {
  const legacy = 'plain-legacy-secret-24-bytes+';
  const legacy2 = 'second-legacy-secret-rotated-in';
  const keys = keysFor([legacy, legacy2]);
  const sig = (key: string, raw: Buffer = body) => `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(raw).digest('hex')}`;

  it('accepts sha256=<hex> keyed with the secret string as written (any of the provider\'s secrets)', () => {
    expect(verifyWebhook(keys, { 'x-signature': sig(legacy) }, body, now)).toEqual({ ok: true, scheme: 'legacy', messageId: null });
    expect(verifyWebhook(keys, { 'x-signature': sig(legacy2) }, body, now).ok).toBe(true);
    expect(verifyWebhook(keys, { 'x-signature': sig(legacy).toUpperCase().replace('SHA256', 'sha256') }, body, now).ok).toBe(true);
  });

  it('refuses a wrong key, a tampered body or a malformed header', () => {
    expect(verifyWebhook(keys, { 'x-signature': sig('other') }, body, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook(keys, { 'x-signature': sig(legacy) }, Buffer.concat([body, Buffer.from(' ')]), now)).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifyWebhook(keys, { 'x-signature': 'sha1=abc' }, body, now)).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('the scheme follows from the secrets, never from the headers', () => {
  const sig = (key: string) => `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(body).digest('hex')}`;

  it('a legacy provider refuses Standard Webhooks headers, even validly signed with its secret string', () => {
    const legacy = 'plain-legacy-secret-24-bytes+';
    const keys = keysFor([legacy]);
    expect(keys.scheme).toBe('legacy');
    // what the old header-driven choice accepted: Standard headers keyed with the legacy string's bytes
    const h = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': signStandard(legacy, 'msg_1', now, body.toString()) };
    expect(verifyWebhook(keys, h, body, now)).toMatchObject({ ok: false, scheme: 'legacy', reason: 'missing_headers' });
  });

  it('a whsec_ provider refuses X-Signature, even keyed with its secret string', () => {
    const keys = keysFor([S1]);
    expect(keys.scheme).toBe('standard');
    expect(verifyWebhook(keys, { 'x-signature': sig(S1) }, body, now)).toMatchObject({ ok: false, scheme: 'standard', reason: 'missing_headers' });
  });

  it('refuses to mix both kinds for one provider', () => {
    expect(() => keysFor([S1, 'plain-legacy-secret-24-bytes+'])).toThrow(/mix/);
  });
});

describe('outbound signing', () => {
  it('signs what the reference implementation verifies', () => {
    const secret = newEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const ts = Math.floor(Date.now() / 1000);
    const payload = '{"type":"claim.completed","data":{}}';
    const headers = { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(ts), 'webhook-signature': signStandard(secret, 'msg_abc', ts, payload) };
    expect(() => new Webhook(secret).verify(payload, headers)).not.toThrow();
    expect(verifyWebhook(keysFor([secret]), headers, Buffer.from(payload), ts).ok).toBe(true);
  });
});
