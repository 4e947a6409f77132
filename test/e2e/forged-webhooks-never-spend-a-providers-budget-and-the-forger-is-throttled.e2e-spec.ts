import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sql, useWorld } from '../helpers/app';
import { sendSignedWebhook, standardHeaders, testSecret, verificationFailures } from '../helpers/webhook-receiver';

/** A POST from a chosen loopback source address (127.0.0.2 is this host too): another client IP. */
function postFrom(localAddress: string, url: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Issue 12, finding 4: the per-provider webhook budget used to be counted before the signature check (and
 * webhooks are exempt from the per-IP limit), so 100 forged posts a minute got a provider's genuine events
 * refused. Now only verified requests count into the provider's budget, and failed verifications are
 * limited per client IP: 500 forged posts from one IP do not stop the provider's correctly signed event,
 * and the forging IP gets 429 once its failure budget (RL_WEBHOOK_FAILURES_PER_MIN_IP) is spent.
 */
describe('forged webhooks never spend a provider\'s budget, and the forger is throttled', () => {
  const SECRET = testSecret('forged-budget');
  const FAILURES = 10;
  const t = useWorld({ ROLE: 'api', WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '50', RL_WEBHOOK_FAILURES_PER_MIN_IP: String(FAILURES) });

  it('500 forged posts from one IP: 429 after its failure budget, and the genuine event is still accepted', async () => {
    const before = await verificationFailures(t.app, 'acme', 'bad_signature');
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let batch = 0; batch < 25; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => {
          const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'contribution.settled', data: {} });
          return postFrom('127.0.0.2', `${t.app.url}/v1/webhooks/acme`, body, standardHeaders(testSecret('the-forger'), body));
        }),
      );
      for (const r of results) {
        statuses.push(r.status);
        if (r.status === 429) retryAfter ??= r.headers['retry-after'];
      }
    }
    expect(statuses).toHaveLength(500);
    const refused = statuses.filter((s) => s === 401).length;
    const throttled = statuses.filter((s) => s === 429).length;
    expect(refused + throttled).toBe(500);
    // the budget is checked before verifying, counted after: concurrent posts may overshoot by a batch
    expect(refused).toBeGreaterThanOrEqual(FAILURES);
    expect(refused).toBeLessThanOrEqual(FAILURES + 20);
    expect(throttled).toBeGreaterThanOrEqual(500 - FAILURES - 20);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // only the verifications actually run are counted as failures (the throttled ones did no work)
    expect(await verificationFailures(t.app, 'acme', 'bad_signature')).toBe(before + refused);

    // the provider, from its own address, is not affected: its signed events are accepted and stored
    for (let i = 0; i < 3; i++) {
      const id = `evt_genuine_${randomUUID()}`;
      const r = await sendSignedWebhook(t.app, 'acme', SECRET, { id, type: 'noise.ignored', data: {} });
      expect([200, 202]).toContain(r.status);
      expect((await sql(t.world, `SELECT count(*)::int AS n FROM webhook_events WHERE event_id = $1`, [id]))[0].n).toBe(1);
    }

    // and the forging IP stays throttled, even with a correct signature (until its window ends)
    const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'noise.ignored', data: {} });
    expect((await postFrom('127.0.0.2', `${t.app.url}/v1/webhooks/acme`, body, standardHeaders(SECRET, body))).status).toBe(429);
  });
});
