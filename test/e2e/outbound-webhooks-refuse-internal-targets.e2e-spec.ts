import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { startWebhookReceiver, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * SSRF guard: with WEBHOOK_ALLOW_PRIVATE_TARGETS=false, an endpoint URL on a loopback, private, link-local or
 * reserved address is refused at registration (400 on `url`), and a delivery to one (an endpoint registered
 * while private targets were allowed) is never sent: the attempt fails with `refused: …` and is not retried.
 * `lenient` (ROLE=api, private targets allowed) has no workers, so every delivery runs in `guarded`, which
 * shares its database and queue prefix. The dev-chain default (allowed) is covered by
 * outbound-webhook-retried-signed-and-disabled-on-410.
 */
describe('outbound webhooks never reach internal addresses when private targets are not allowed', () => {
  let world: World;
  let guarded: TestApp;
  let lenient: TestApp;
  let rx: WebhookReceiver;

  beforeAll(async () => {
    world = newWorld();
    rx = await startWebhookReceiver([], 200);
    // a retry, if one were scheduled, would come 300 ms later: the test waits longer than that
    guarded = await bootApp(world, { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false', WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms', RL_PER_MIN_IP: '100000' });
    lenient = await bootApp(world, { ROLE: 'api', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', RL_PER_MIN_IP: '100000' });
  });
  afterAll(async () => {
    await lenient?.close();
    await guarded?.close();
    await rx?.close();
  });

  it('the setting is what the apps run with', () => {
    expect(guarded.config.webhookAllowPrivateTargets).toBe(false);
    expect(lenient.config.webhookAllowPrivateTargets).toBe(true);
  });

  it('registration refuses internal hosts and credentials with a 400 naming url, and stores nothing', async () => {
    const port = new URL(rx.url).port;
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/x`, /loopback, private, link-local or reserved/],
      [`http://localhost:${port}/x`, /loopback, private, link-local or reserved/],
      [`http://[::1]:${port}/x`, /loopback, private, link-local or reserved/],
      ['http://169.254.169.254/latest', /loopback, private, link-local or reserved/],
      ['http://user:pw@example.com/x', /credentials/],
    ];
    for (const [url, message] of cases) {
      const r = await http(guarded, 'POST', '/v1/webhook-endpoints', { url, events: ['claim.completed'] });
      expect({ url, status: r.status }).toEqual({ url, status: 400 });
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(message) }]);
      expect(JSON.stringify(r.body)).not.toContain(':pw@');
    }
    expect((await sql(world, 'SELECT count(*)::int AS n FROM webhook_endpoints'))[0].n).toBe(0);
    // a public name is still accepted (only resolved when delivering)
    expect((await http(guarded, 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example.com/payrail', events: ['cycle.completed'] })).status).toBe(201);
  });

  it('a delivery to an internal target registered while allowed is refused: nothing sent, failed once, not retried', async () => {
    const port = new URL(rx.url).port;
    const byIp = await http(lenient, 'POST', '/v1/webhook-endpoints', { url: rx.url, events: ['claim.completed'] });
    const byName = await http(lenient, 'POST', '/v1/webhook-endpoints', { url: `http://localhost:${port}/by-name`, events: ['claim.completed'] });
    expect([byIp.status, byName.status]).toEqual([201, 201]);

    const claim = await http(lenient, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason: `ssrf:${Date.now()}` });
    expect(claim.status).toBe(201);

    for (const [ep, host] of [
      [byIp.body.id, '127.0.0.1'],
      [byName.body.id, 'localhost'],
    ] as const) {
      const d = await waitFor(
        async () => {
          const l = await http(lenient, 'GET', `/v1/webhook-endpoints/${ep}/deliveries`);
          return l.body.items[0]?.status === 'failed' ? l.body.items[0] : null;
        },
        60_000,
        `delivery to ${host} failed`,
      );
      expect(d).toMatchObject({ eventType: 'claim.completed', attempts: 1, lastStatusCode: null, lastError: `refused: ${host} is not a public address` });
      expect(d.payload.data.id).toBe(claim.body.id);
      expect(d.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: null, error: `refused: ${host} is not a public address` })]);
    }

    await new Promise((r) => setTimeout(r, 1500)); // longer than the 300 ms retry delay
    expect(rx.requests).toHaveLength(0);
    const rows = await sql(world, 'SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = ANY($1::uuid[]) ORDER BY status', [[byIp.body.id, byName.body.id]]);
    expect(rows).toEqual([
      { status: 'failed', attempts: 1 },
      { status: 'failed', attempts: 1 },
    ]);
    expect((await sql(world, 'SELECT count(*)::int AS n FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ANY($1::uuid[])', [[byIp.body.id, byName.body.id]]))[0].n).toBe(2);
    for (const id of [byIp.body.id, byName.body.id]) {
      expect((await http(lenient, 'GET', `/v1/webhook-endpoints/${id}`)).body).toMatchObject({ status: 'enabled', disabledReason: null });
    }
  });
});
