import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { startWebhookReceiver, verifyDelivery, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Acceptance 6: a receiver that fails twice then succeeds gets the delivery 3 times with the same
 * webhook-id and a valid Standard Webhooks signature each time; the delivery log shows the three attempts;
 * a redelivery sends the same message again. A receiver answering 410 gets its endpoint disabled, and no
 * further events. The retry schedule is shortened through WEBHOOK_RETRY_SCHEDULE.
 */
describe('outbound webhooks: retried with the same id, signed, 410 disables', () => {
  let world: World;
  let app: TestApp;
  let flaky: WebhookReceiver;
  let gone: WebhookReceiver;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world, { WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms,300ms', RL_PER_MIN_IP: '100000' });
    flaky = await startWebhookReceiver([500, 503], 200);
    gone = await startWebhookReceiver([], 410);
  });
  afterAll(async () => {
    await app?.close();
    await flaky?.close();
    await gone?.close();
  });

  it('validates endpoints: http(s) URL and known event types only', async () => {
    // WEBHOOK_ALLOW_PRIVATE_TARGETS unset on the dev chain: allowed, so these 127.0.0.1 receivers work
    expect(app.config.webhookAllowPrivateTargets).toBe(true);
    expect((await http(app, 'POST', '/v1/webhook-endpoints', { url: 'ftp://127.0.0.1/x', events: ['claim.completed'] })).status).toBe(400);
    expect((await http(app, 'POST', '/v1/webhook-endpoints', { url: flaky.url, events: ['claim.exploded'] })).status).toBe(400);
    expect((await http(app, 'POST', '/v1/webhook-endpoints', { url: flaky.url, events: [] })).status).toBe(400);
    expect((await http(app, 'POST', '/v1/webhook-endpoints', { url: flaky.url, events: ['claim.completed'] }, { auth: null })).status).toBe(401);
  });

  it('fails twice, then succeeds: 3 attempts, same webhook-id, valid signatures; redelivery repeats the message', async () => {
    const ep = await http(app, 'POST', '/v1/webhook-endpoints', { url: flaky.url, events: ['claim.completed'] });
    expect(ep.status).toBe(201);
    expect(ep.body).toMatchObject({ url: flaky.url, events: ['claim.completed'], status: 'enabled' });
    expect(ep.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect((await http(app, 'GET', `/v1/webhook-endpoints/${ep.body.id}`)).body.secret).toBeUndefined();

    const claim = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason: `outbound:${Date.now()}` });
    expect(claim.status).toBe(201);
    const got = await flaky.waitForRequests(3, 30_000);
    expect(got.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(got[0]!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    for (const r of got) {
      expect(r.body).toBe(got[0]!.body); // identical bytes on every attempt
      const payload = verifyDelivery(ep.body.secret, r) as { type: string; data: { id: string; status: string } };
      expect(payload.type).toBe('claim.completed');
      expect(payload.data).toMatchObject({ id: claim.body.id, status: 'completed' });
    }
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(250); // 300 ms ±10% jitter

    const log = await waitFor(
      async () => {
        const l = await http(app, 'GET', `/v1/webhook-endpoints/${ep.body.id}/deliveries`);
        return l.body.items[0]?.status === 'succeeded' ? l.body : null;
      },
      10_000,
      'delivery succeeded',
    );
    expect(log.items).toHaveLength(1);
    const d = log.items[0];
    expect(d).toMatchObject({ eventType: 'claim.completed', webhookId: got[0]!.headers['webhook-id'], attempts: 3, lastStatusCode: 200 });
    expect(d.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 200]);
    expect(d.payload.data.id).toBe(claim.body.id);

    const re = await http(app, 'POST', `/v1/webhook-endpoints/${ep.body.id}/deliveries/${d.id}/redeliver`, {});
    expect(re.status).toBe(202);
    const four = await flaky.waitForRequests(4, 10_000);
    expect(four[3]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
    expect(() => verifyDelivery(ep.body.secret, four[3]!)).not.toThrow();
    await waitFor(
      async () => (await http(app, 'GET', `/v1/webhook-endpoints/${ep.body.id}/deliveries`)).body.items[0].attempts === 4,
      10_000,
      'redelivery logged',
    );
    expect((await http(app, 'POST', `/v1/webhook-endpoints/${ep.body.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`, {})).status).toBe(404);
  });

  it('a 410 disables the endpoint after one attempt; later events are not sent to it', async () => {
    const ep = await http(app, 'POST', '/v1/webhook-endpoints', { url: gone.url, events: ['payout.submitted'] });
    const c1 = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason: `gone-1:${Date.now()}` });
    const [first] = await gone.waitForRequests(1, 30_000);
    const payload = verifyDelivery(ep.body.secret, first!) as { type: string; data: { claimIds: string[] } };
    expect(payload).toMatchObject({ type: 'payout.submitted', data: { claimIds: [c1.body.id] } });

    const endpoint = await waitFor(
      async () => {
        const e = await http(app, 'GET', `/v1/webhook-endpoints/${ep.body.id}`);
        return e.body.status === 'disabled' ? e.body : null;
      },
      10_000,
      'endpoint disabled',
    );
    expect(endpoint.disabledReason).toMatch(/410 Gone/);
    const log = (await http(app, 'GET', `/v1/webhook-endpoints/${ep.body.id}/deliveries`)).body;
    expect(log.items[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });

    const c2 = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason: `gone-2:${Date.now()}` });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c2.body.id}`)).body.status === 'completed', 30_000, 'second claim completed');
    await new Promise((r) => setTimeout(r, 500));
    expect(gone.requests).toHaveLength(1);
    expect((await sql(world, 'SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [ep.body.id]))[0].n).toBe(1);
    const redeliver = await http(app, 'POST', `/v1/webhook-endpoints/${ep.body.id}/deliveries/${log.items[0].id}/redeliver`, {});
    expect(redeliver.status).toBe(409);
  });
});
