import { ADMIN_TOKEN, bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { startWebhookReceiver, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Issue 12, findings 2 and 7 (API.md "Security rules"): a claim, group or endpoint belongs to the API key that
 * created it. Another key gets a 404 for it (read, events, cancel: existence is not revealed) and does not see it
 * in lists; the admin token (on the client routes too) sees and cancels everything. Key scopes
 * (`API_KEYS=name:secret:scope+scope`): a route whose scope the key lacks is a 403 problem naming the scope, with
 * no side effect; the whole-table ledger aggregates need `ledger:read`. Outbound webhooks: an endpoint receives
 * only its own key's events, an admin-registered endpoint receives every key's; at most WEBHOOK_ENDPOINTS_MAX (20)
 * enabled endpoints per key (the 21st: 409), and one event makes exactly one delivery row per endpoint that may
 * see it.
 */
const KEYS = {
  alice: 'alice-secret-0001',
  bob: 'bob-secret-000002',
  reader: 'reader-secret-003',
  noledger: 'noledger-secret-4',
};
const API_KEYS = [
  `alice:${KEYS.alice}`,
  `bob:${KEYS.bob}`,
  `reader:${KEYS.reader}:claims:read`,
  `noledger:${KEYS.noledger}:claims:write+claims:read+claims:cancel+webhooks`,
].join(',');

function claimBody(reason: string) {
  return { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason };
}

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number, code?: string) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  if (code) expect(r.body.code).toBe(code);
}

describe('claims: a key sees and cancels only its own; scopes', () => {
  let world: World;
  let app: TestApp;

  beforeAll(async () => {
    world = newWorld();
    // no processors: claims stay pending, so cancel is deterministic
    app = await bootApp(world, { ROLE: 'api', API_KEYS, RL_PER_MIN_IP: '100000' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("key B can neither read, list, trace nor cancel key A's claim; the admin can", async () => {
    const a = await http(app, 'POST', '/v1/claims', claimBody(`own:a:${Date.now()}`), { auth: KEYS.alice });
    expect(a.status).toBe(201);
    expect(a.body.client).toBe('alice');
    const b = await http(app, 'POST', '/v1/claims', claimBody(`own:b:${Date.now()}`), { auth: KEYS.bob });
    expect(b.status).toBe(201);
    // the same entitlement from another key: 409, without A's claim; from A: 200 with it
    const { wallet, token, amount, reason } = a.body;
    const again = await http(app, 'POST', '/v1/claims', { wallet, token, amount, reason }, { auth: KEYS.bob });
    expectProblem(again, 409, 'CLAIM.CLAIMED_BY_ANOTHER_CLIENT');
    expect(JSON.stringify(again.body)).not.toContain(a.body.id);
    const mine = await http(app, 'POST', '/v1/claims', { wallet, token, amount, reason }, { auth: KEYS.alice });
    expect([mine.status, mine.body.id]).toEqual([200, a.body.id]);

    expectProblem(await http(app, 'GET', `/v1/claims/${a.body.id}`, undefined, { auth: KEYS.bob }), 404, 'CLAIM.NOT_FOUND');
    expectProblem(await http(app, 'GET', `/v1/claims/${a.body.id}/events`, undefined, { auth: KEYS.bob }), 404, 'CLAIM.NOT_FOUND');
    expectProblem(await http(app, 'POST', `/v1/claims/${a.body.id}/cancel`, {}, { auth: KEYS.bob }), 404, 'CLAIM.NOT_FOUND');
    expect((await sql(world, `SELECT status FROM claims WHERE id = $1`, [a.body.id]))[0].status).toBe('pending');
    expect(await sql(world, `SELECT 1 FROM claim_events WHERE claim_id = $1 AND to_status = 'cancelled'`, [a.body.id])).toHaveLength(0);

    const bobList = await http(app, 'GET', '/v1/claims?limit=100', undefined, { auth: KEYS.bob });
    expect(bobList.status).toBe(200);
    expect(bobList.body.items.map((c: { id: string }) => c.id)).toEqual([b.body.id]);
    const aliceList = await http(app, 'GET', '/v1/claims?limit=100', undefined, { auth: KEYS.alice });
    expect(aliceList.body.items.map((c: { id: string }) => c.id)).toEqual([a.body.id]);
    expect((await http(app, 'GET', `/v1/claims/${a.body.id}`, undefined, { auth: KEYS.alice })).status).toBe(200);

    // the admin token on the client routes: every claim, and cancel of any
    const adminList = await http(app, 'GET', '/v1/claims?limit=100', undefined, { auth: ADMIN_TOKEN });
    expect(adminList.status).toBe(200);
    expect(adminList.body.items.map((c: { id: string }) => c.id).sort()).toEqual([a.body.id, b.body.id].sort());
    expect((await http(app, 'GET', `/v1/claims/${b.body.id}`, undefined, { auth: ADMIN_TOKEN })).status).toBe(200);
    const cancelled = await http(app, 'POST', `/v1/claims/${a.body.id}/cancel`, {}, { auth: ADMIN_TOKEN });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const ev = await sql(world, `SELECT actor FROM claim_events WHERE claim_id = $1 AND to_status = 'cancelled'`, [a.body.id]);
    expect(ev).toEqual([{ actor: 'admin' }]);

    // the owner cancels its own
    const own = await http(app, 'POST', `/v1/claims/${b.body.id}/cancel`, {}, { auth: KEYS.bob });
    expect(own.status).toBe(200);
    expect(own.body.status).toBe('cancelled');
  });

  it('a claims:read key cannot create or cancel (403 naming the scope, nothing stored) but can read its own list', async () => {
    const reason = `scope:${Date.now()}`;
    const r = await http(app, 'POST', '/v1/claims', claimBody(reason), { auth: KEYS.reader });
    expectProblem(r, 403, 'AUTH.SCOPE_MISSING');
    expect(r.body.detail).toContain('claims:write');
    expect(await sql(world, `SELECT 1 FROM claims WHERE reason = $1`, [reason])).toHaveLength(0);
    const c = await http(app, 'POST', '/v1/claims/00000000-0000-4000-8000-000000000000/cancel', {}, { auth: KEYS.reader });
    expectProblem(c, 403, 'AUTH.SCOPE_MISSING');
    expect(c.body.detail).toContain('claims:cancel');
    expectProblem(await http(app, 'POST', '/v1/webhook-endpoints', { url: 'https://example.com/h', events: ['claim.completed'] }, { auth: KEYS.reader }), 403, 'AUTH.SCOPE_MISSING');
    const list = await http(app, 'GET', '/v1/claims', undefined, { auth: KEYS.reader });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('the whole-table ledger aggregates need ledger:read', async () => {
    for (const path of ['/v1/ledger/trial-balance', '/v1/ledger/balances']) {
      const denied = await http(app, 'GET', path, undefined, { auth: KEYS.noledger });
      expectProblem(denied, 403, 'AUTH.SCOPE_MISSING');
      expect(denied.body.detail).toContain('ledger:read');
      expect((await http(app, 'GET', path, undefined, { auth: KEYS.alice })).status).toBe(200);
      expect((await http(app, 'GET', path, undefined, { auth: ADMIN_TOKEN })).status).toBe(200);
    }
  });

  it("key B cannot read key A's group", async () => {
    const g = await http(
      app,
      'POST',
      '/v1/groups',
      { name: 'own', token: 'USDC', contributionAmount: '1', members: [freshWallet(), freshWallet()] },
      { auth: KEYS.alice },
    );
    expect(g.status).toBe(201);
    expectProblem(await http(app, 'GET', `/v1/groups/${g.body.id}`, undefined, { auth: KEYS.bob }), 404, 'GROUP.NOT_FOUND');
    expect((await http(app, 'GET', `/v1/groups/${g.body.id}`, undefined, { auth: KEYS.alice })).status).toBe(200);
    expect((await http(app, 'GET', `/v1/groups/${g.body.id}`, undefined, { auth: ADMIN_TOKEN })).status).toBe(200);
  });
});

describe("outbound webhooks: an endpoint gets only its own key's events; 20 endpoints per key", () => {
  let world: World;
  let app: TestApp;
  let ra: WebhookReceiver;
  let rb: WebhookReceiver;
  let radm: WebhookReceiver;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world, { API_KEYS, RL_PER_MIN_IP: '100000' });
    [ra, rb, radm] = await Promise.all([startWebhookReceiver(), startWebhookReceiver(), startWebhookReceiver()]);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([ra?.close(), rb?.close(), radm?.close()]);
  });

  it('the 21st endpoint of a key is refused; A gets none of B\'s events, the admin endpoint gets both; one delivery row per endpoint', async () => {
    const endpoint = (url: string, auth: string) => http(app, 'POST', '/v1/webhook-endpoints', { url, events: ['claim.completed'] }, { auth });
    const alice: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await endpoint(ra.url, KEYS.alice);
      expect(r.status).toBe(201);
      alice.push(r.body.id);
    }
    const over = await endpoint(ra.url, KEYS.alice);
    expectProblem(over, 409, 'WEBHOOK_ENDPOINT.LIMIT_REACHED');
    expect((await sql(world, `SELECT count(*)::int AS n FROM webhook_endpoints WHERE created_by = 'alice'`))[0].n).toBe(20);

    const bob = await endpoint(rb.url, KEYS.bob);
    expect(bob.status).toBe(201); // the cap is per key
    const admin = await endpoint(radm.url, ADMIN_TOKEN); // the admin token on the client route: an admin endpoint
    expect(admin.status).toBe(201);

    // another key's endpoint does not exist for bob
    expectProblem(await http(app, 'GET', `/v1/webhook-endpoints/${alice[0]}`, undefined, { auth: KEYS.bob }), 404, 'WEBHOOK_ENDPOINT.NOT_FOUND');
    expectProblem(await http(app, 'GET', `/v1/webhook-endpoints/${alice[0]}/deliveries`, undefined, { auth: KEYS.bob }), 404);
    expect((await http(app, 'GET', `/v1/webhook-endpoints/${alice[0]}`, undefined, { auth: KEYS.alice })).status).toBe(200);

    const ca = await http(app, 'POST', '/v1/claims', claimBody(`events:a:${Date.now()}`), { auth: KEYS.alice });
    const cb = await http(app, 'POST', '/v1/claims', claimBody(`events:b:${Date.now()}`), { auth: KEYS.bob });
    expect([ca.status, cb.status]).toEqual([201, 201]);

    // the admin endpoint receives both claims' events
    const adminGot = await radm.waitForRequests(2, 60_000);
    expect(adminGot.map((r) => JSON.parse(r.body).data.id).sort()).toEqual([ca.body.id, cb.body.id].sort());

    // exactly one delivery row per endpoint that may see the event: alice's 20 + the admin's; bob's + the admin's
    const rows = await sql<{ event_key: string; created_by: string; n: number }>(
      world,
      `SELECT d.event_key, e.created_by, count(*)::int AS n FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(rows).toEqual(
      [
        { event_key: `claim.completed:${ca.body.id}`, created_by: 'admin', n: 1 },
        { event_key: `claim.completed:${ca.body.id}`, created_by: 'alice', n: 20 },
        { event_key: `claim.completed:${cb.body.id}`, created_by: 'admin', n: 1 },
        { event_key: `claim.completed:${cb.body.id}`, created_by: 'bob', n: 1 },
      ].sort((x, y) => (x.event_key + x.created_by).localeCompare(y.event_key + y.created_by)),
    );

    // what the receivers actually got: alice only her claim (once per endpoint), bob only his
    const aliceGot = await ra.waitForRequests(20, 60_000);
    const bobGot = await rb.waitForRequests(1, 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // nothing else arrives
    expect(ra.requests).toHaveLength(20);
    expect(new Set(aliceGot.map((r) => JSON.parse(r.body).data.id))).toEqual(new Set([ca.body.id]));
    expect(rb.requests).toHaveLength(1);
    expect(JSON.parse(bobGot[0]!.body).data.id).toBe(cb.body.id);
    await waitFor(async () => (await sql(world, `SELECT 1 FROM webhook_deliveries WHERE status <> 'succeeded'`)).length === 0, 30_000, 'all delivered');
  });
});
