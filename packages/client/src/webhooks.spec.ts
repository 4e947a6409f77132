import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './webhooks';

/** verifyWebhook against deliveries signed by the reference implementation (as the server signs them). */
const secret = 'whsec_' + Buffer.from('a-test-secret-of-32-bytes-length').toString('base64');

function signed(body: string, at = new Date()) {
  const id = 'msg_1';
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

describe('verifyWebhook', () => {
  const body = JSON.stringify({ type: 'claim.completed', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'c1', status: 'completed' } });

  it('returns the typed event for a valid delivery (plain record, Headers, bytes, any header case)', () => {
    const h = signed(body);
    const event = verifyWebhook(secret, h, body);
    expect(event.type).toBe('claim.completed');
    if (event.type === 'claim.completed') expect(event.data.id).toBe('c1');
    expect(verifyWebhook(secret, new Headers(h), new TextEncoder().encode(body)).type).toBe('claim.completed');
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(secret, upper, body).type).toBe('claim.completed');
  });

  it('throws on a changed body, a changed signature, another secret, missing headers or a stale timestamp', () => {
    const h = signed(body);
    expect(() => verifyWebhook(secret, h, body.replace('c1', 'c2'))).toThrow(WebhookVerificationError);
    const sig = h['webhook-signature'];
    const flipped = sig.slice(0, -3) + (sig.at(-3) === 'A' ? 'B' : 'A') + sig.slice(-2);
    expect(() => verifyWebhook(secret, { ...h, 'webhook-signature': flipped }, body)).toThrow(WebhookVerificationError);
    const other = 'whsec_' + Buffer.from('another-secret-of-32-bytes-long!').toString('base64');
    expect(() => verifyWebhook(other, h, body)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, { 'webhook-id': 'msg_1' }, body)).toThrow(WebhookVerificationError);
    const old = new Date(Date.now() - 10 * 60_000);
    expect(() => verifyWebhook(secret, signed(body, old), body)).toThrow(WebhookVerificationError);
  });

  it('a signed body that is not an event is refused', () => {
    expect(() => verifyWebhook(secret, signed('[1,2]'), '[1,2]')).toThrow('not a Payrail event');
  });
});
