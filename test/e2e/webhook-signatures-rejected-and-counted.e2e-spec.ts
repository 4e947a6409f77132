import { randomUUID } from 'node:crypto';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { legacyHeaders, sendSignedWebhook, standardHeaders, testSecret, verificationFailures } from '../helpers/webhook-receiver';

/**
 * Acceptance 1: wrong secret, tampered body (one space), re-serialized JSON, stale or future timestamp
 * (> 300 s), missing headers -> 401 problem+json, nothing stored, the failure metric counts each reason.
 * Two signatures of which one is valid -> accepted; a rotated-out-but-still-configured secret and the legacy
 * X-Signature scheme work; an unknown event type is stored as ignored (202).
 */
describe('webhook signatures: rejected and counted, accepted when any signature is valid', () => {
  const OLD = testSecret('acme-old');
  const NEW = testSecret('acme-new');
  const LEGACY = 'legacy-plain-secret-of-24-bytes';
  const t = useWorld({
    WEBHOOK_SECRETS: `acme:${OLD},acme:${NEW},legacy:${LEGACY}`,
    RL_WEBHOOK_PER_MIN: '100000',
    RL_PER_MIN_IP: '100000',
  });

  const stored = async () => (await sql(t.world, 'SELECT count(*)::int AS n FROM webhook_events'))[0].n as number;
  const event = (type = 'contribution.settled') =>
    ({ id: `evt_${randomUUID()}`, type, data: { groupId: randomUUID(), cycle: 1, wallet: '0x' + '11'.repeat(20), amount: '1', token: 'USDC' } });
  const post = (provider: string, raw: string, headers: Record<string, string>) =>
    http(t.app, 'POST', `/v1/webhooks/${provider}`, undefined, { auth: null, raw, headers });

  async function expectRejected(provider: string, raw: string, headers: Record<string, string>, reason: string, label = provider) {
    const before = await verificationFailures(t.app, label, reason);
    const storedBefore = await stored();
    const r = await post(provider, raw, headers);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 401, code: 'WEBHOOK.UNAUTHORIZED', title: 'Unauthorized' });
    expect(JSON.stringify(r.body)).not.toContain('whsec_');
    expect(await stored()).toBe(storedBefore);
    expect(await verificationFailures(t.app, label, reason)).toBe(before + 1);
  }

  it('refuses a wrong secret', async () => {
    const body = JSON.stringify(event());
    await expectRejected('acme', body, standardHeaders(testSecret('someone-else'), body), 'bad_signature');
  });

  it('refuses a body tampered by one space', async () => {
    const body = JSON.stringify(event());
    await expectRejected('acme', body.replace('"type":', '"type": '), standardHeaders(NEW, body), 'bad_signature');
  });

  it('refuses re-serialized JSON (same data, different bytes)', async () => {
    const original = JSON.stringify(event(), null, 2);
    const reserialized = JSON.stringify(JSON.parse(original));
    await expectRejected('acme', reserialized, standardHeaders(NEW, original), 'bad_signature');
  });

  it('refuses a timestamp more than 300 s in the past or in the future', async () => {
    const body = JSON.stringify(event());
    const now = Math.floor(Date.now() / 1000);
    // 310 s, not 301: the server reads its clock a moment later (a second boundary may pass in between);
    // the exact 300/301 s boundary is covered by the unit test of verifyWebhook
    await expectRejected('acme', body, standardHeaders(NEW, body, { timestampSec: now - 310 }), 'stale_timestamp');
    await expectRejected('acme', body, standardHeaders(NEW, body, { timestampSec: now + 310 }), 'future_timestamp');
  });

  it('refuses missing headers (none at all, or no signature)', async () => {
    const body = JSON.stringify(event());
    await expectRejected('acme', body, { 'content-type': 'application/json' }, 'missing_headers');
    const { 'webhook-signature': _, ...unsigned } = standardHeaders(NEW, body);
    await expectRejected('acme', body, unsigned, 'missing_headers');
  });

  it('refuses a wrong legacy X-Signature and an unknown provider (counted under a fixed label)', async () => {
    const body = JSON.stringify(event());
    await expectRejected('legacy', body, legacyHeaders('not-the-secret', body), 'bad_signature');
    await expectRejected('nobody-configured-me', body, standardHeaders(NEW, body), 'unknown_provider', 'unknown');
  });

  it('the scheme follows from the provider\'s secrets: a legacy provider refuses Standard Webhooks headers (even keyed with its secret), acme refuses X-Signature', async () => {
    const body = JSON.stringify(event());
    // HMAC keyed with the legacy secret's bytes, sent as Standard Webhooks: once accepted because the header chose the scheme
    await expectRejected('legacy', body, standardHeaders('whsec_' + Buffer.from(LEGACY).toString('base64'), body), 'missing_headers');
    await expectRejected('acme', body, legacyHeaders(NEW, body), 'missing_headers');
  });

  it('accepts two signatures of which one is valid, the rotated secret, and legacy X-Signature', async () => {
    const e1 = event();
    const body = JSON.stringify(e1);
    const valid = standardHeaders(NEW, body, { id: 'msg_two_sigs' });
    const bogus = standardHeaders(testSecret('bogus'), body, { id: 'msg_two_sigs', timestampSec: Number(valid['webhook-timestamp']) });
    const both = { ...valid, 'webhook-signature': `${bogus['webhook-signature']} ${valid['webhook-signature']}` };
    const r1 = await post('acme', body, both);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ received: true, duplicate: false });

    const r2 = await sendSignedWebhook(t.app, 'acme', OLD, event());
    expect(r2.status).toBe(200);

    const legacyBody = JSON.stringify(event());
    const r3 = await post('legacy', legacyBody, legacyHeaders(LEGACY, legacyBody));
    expect(r3.status).toBe(200);

    // stored, then processed: the random group does not exist, so each is rejected with that reason
    await waitFor(
      async () => (await sql(t.world, `SELECT count(*)::int AS n FROM webhook_events WHERE status = 'rejected'`))[0].n === 3,
      15_000,
      'three accepted events processed',
    );
    const list = await http(t.app, 'GET', '/v1/admin/webhook-events?provider=acme&status=rejected', undefined, { auth: 'admin' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { eventId: string }) => i.eventId)).toContain(e1.id);
    expect(list.body.items[0]).toMatchObject({ provider: 'acme', type: 'contribution.settled', status: 'rejected', scheme: 'standard' });
    expect(list.body.items[0].reason).toMatch(/no savings group/);
    const legacyRow = await http(t.app, 'GET', '/v1/admin/webhook-events?provider=legacy', undefined, { auth: 'admin' });
    expect(legacyRow.body.items).toHaveLength(1);
    expect(legacyRow.body.items[0].scheme).toBe('legacy');
    expect((await http(t.app, 'GET', '/v1/admin/webhook-events', undefined, { auth: 'client' })).status).toBe(403);
  });

  it('answers 400 (not 500) for an authentic body that is not an event envelope, and stores nothing', async () => {
    const before = await stored();
    for (const e of [[1, 2], { id: 'evt_\u0000', type: 'contribution.settled' }, { id: 'evt_x', type: 7 }, { id: 'x'.repeat(256), type: 'a' }]) {
      const r = await sendSignedWebhook(t.app, 'acme', NEW, e);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    // without an id in the body, a legacy-signed event has no id at all (Standard Webhooks falls back to webhook-id)
    const noId = JSON.stringify({ type: 'contribution.settled' });
    expect((await post('legacy', noId, legacyHeaders(LEGACY, noId))).status).toBe(400);
    expect(await stored()).toBe(before);
  });

  it('malformed JSON is verified before it is parsed: unsigned or badly signed -> 401 and counted; authentic -> 400', async () => {
    const broken = '{"id": "evt_broken", "type": ';
    // no signature: refused as unauthenticated (not a 400 that tells an anonymous caller how its bytes parse)
    await expectRejected('acme', broken, { 'content-type': 'application/json' }, 'missing_headers');
    await expectRejected('acme', broken, standardHeaders(testSecret('acme-wrong'), broken), 'bad_signature');
    // signed by the provider: the provider sent bad JSON, and is told so
    const before = await stored();
    const r = await post('acme', broken, standardHeaders(NEW, broken));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'body', message: 'is not valid JSON' })]);
    expect(await stored()).toBe(before);
    // other routes still reject malformed JSON before anything else
    const claim = await http(t.app, 'POST', '/v1/claims', undefined, { raw: broken, headers: { 'content-type': 'application/json' } });
    expect(claim.status).toBe(400);
  });

  it('stores an unknown event type as ignored (202) and never processes it', async () => {
    const e = event('member.renamed');
    const r = await sendSignedWebhook(t.app, 'acme', NEW, e);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ received: true, ignored: true });
    const [row] = await sql(t.world, 'SELECT status, reason, attempts FROM webhook_events WHERE event_id = $1', [e.id]);
    expect(row).toMatchObject({ status: 'ignored', attempts: 0 });
    expect(row.reason).toContain('unknown event type');
    const again = await sendSignedWebhook(t.app, 'acme', NEW, e);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, status: 'ignored' });
  });
});
