import { createPayrailClient, PayrailClient, RetryEvent, verifyWebhook, WebhookVerificationError } from '@payrail/client';
import { API_KEY, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { FaultyProxy, startFaultyProxy } from '../helpers/faulty-proxy';
import { startWebhookReceiver, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Issue 15, "the client" acceptance, against the live app (real HTTP, Postgres, Redis, dev chain): the
 * @payrail/client retries a POST /v1/claims through a dropped connection and through a 429 with the SAME
 * Idempotency-Key, so the server replays the first answer and exactly one claim exists; it iterates every
 * page of a key's claims; it verifies a real outbound webhook and rejects a tampered one.
 */
describe('the client: idempotent retries, pages, webhook verification', () => {
  const t = useWorld({ RL_PER_MIN_IP: '100000', WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms' });
  let proxy: FaultyProxy;
  let receiver: WebhookReceiver;
  let direct: PayrailClient;
  const retries: RetryEvent[] = [];
  let viaProxy: PayrailClient;

  beforeAll(async () => {
    proxy = await startFaultyProxy(t.app.url, 1);
    receiver = await startWebhookReceiver();
    direct = createPayrailClient({ baseUrl: t.app.url, apiKey: API_KEY });
    viaProxy = createPayrailClient({ baseUrl: proxy.url, apiKey: API_KEY, baseDelayMs: 50, onRetry: (e) => retries.push(e) });
  });
  afterAll(async () => {
    await proxy?.close();
    await receiver?.close();
  });

  const claimRows = (wallet: string, reason: string) =>
    sql<{ n: string }>(t.world, 'SELECT count(*)::text AS n FROM claims WHERE lower(wallet) = lower($1) AND reason = $2', [wallet, reason]).then((r) => Number(r[0]!.n));

  it('a POST whose connection drops after the app created the claim is retried with the same key: the replayed claim, one row', async () => {
    const wallet = freshWallet();
    const reason = `client-drop:${Date.now()}`;
    proxy.inject((m, p) => m === 'POST' && p === '/v1/claims', ['drop-after-forward']);
    const before = proxy.requests.length;
    retries.length = 0;

    const { data, response } = await viaProxy.POST('/v1/claims', { body: { wallet, token: 'USDC', amount: '0.25', reason } });

    const attempts = proxy.requests.slice(before);
    expect(attempts.map((a) => a.fault)).toEqual(expect.arrayContaining(['drop-after-forward', 'pass']));
    expect(attempts[0]!.upstreamStatus).toBe(201); // the app DID create it before the connection was cut
    const keys = new Set(attempts.map((a) => a.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(retries[0]).toMatchObject({ attempt: 1, reason: 'network' });
    // the first answer, replayed (a 409 IDEMPOTENCY.IN_FLIGHT may come between, if the replay raced the store)
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data).toMatchObject({ wallet, reason, amount: '0.25', status: expect.any(String) });
    expect(await claimRows(wallet, reason)).toBe(1);
  });

  it('a 429 with Retry-After is waited out and retried with the same key: no second claim', async () => {
    const wallet = freshWallet();
    const reason = `client-429:${Date.now()}`;
    proxy.inject((m, p) => m === 'POST' && p === '/v1/claims', ['429-after-forward', '429']);
    const before = proxy.requests.length;
    retries.length = 0;
    const started = Date.now();

    const { data, response } = await viaProxy.POST('/v1/claims', { body: { wallet, token: 'USDC', amount: '0.5', reason } });

    const attempts = proxy.requests.slice(before);
    expect(attempts.map((a) => a.fault)).toEqual(['429-after-forward', '429', 'pass']);
    expect(attempts[0]!.upstreamStatus).toBe(201);
    expect(new Set(attempts.map((a) => a.headers['idempotency-key'])).size).toBe(1);
    expect(retries.map((r) => [r.reason, r.delayMs])).toEqual([
      ['rate-limited', 1000],
      ['rate-limited', 1000],
    ]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1 honoured
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data!.reason).toBe(reason);
    expect(await claimRows(wallet, reason)).toBe(1);
  });

  it('a refused POST (400) is not retried', async () => {
    const before = proxy.requests.length;
    retries.length = 0;
    const { error, response } = await viaProxy.POST('/v1/claims', { body: { wallet: 'not-an-address', token: 'USDC', amount: '1', reason: 'x' } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ status: 400, errors: expect.arrayContaining([expect.objectContaining({ field: 'wallet' })]) });
    expect(proxy.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
  });

  it('iterates every page of a wallet\'s claims: 25 claims, limit 10, 3 pages, each claim once', async () => {
    const wallet = freshWallet();
    const created = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const { data, response } = await direct.POST('/v1/claims', { body: { wallet, token: 'USDC', amount: '0.01', reason: `page:${i}` } });
      expect(response.status).toBe(201);
      created.add(data!.id);
    }
    const pages: string[] = [];
    const counting = createPayrailClient({
      baseUrl: t.app.url,
      apiKey: API_KEY,
      fetch: (req) => {
        pages.push(new URL(req.url).search);
        return fetch(req);
      },
    });
    const seen: string[] = [];
    for await (const claim of counting.paginate('/v1/claims', { query: { wallet, limit: 10 } })) {
      expect(claim.wallet.toLowerCase()).toBe(wallet.toLowerCase());
      seen.push(claim.id);
    }
    expect(pages).toHaveLength(3);
    expect(pages[0]).not.toContain('cursor=');
    expect(pages.slice(1).every((p) => p.includes('cursor='))).toBe(true);
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(created);
  });

  it('verifies a real outbound webhook and rejects a tampered body or signature', async () => {
    const { data: endpoint, response } = await direct.POST('/v1/webhook-endpoints', { body: { url: receiver.url, events: ['claim.completed'] } });
    expect(response.status).toBe(201);
    const secret = endpoint!.secret;
    const { data: claim } = await direct.POST('/v1/claims', { body: { wallet: freshWallet(), token: 'ETH', amount: '0.0001', reason: `client-webhook:${Date.now()}` } });
    expect(claim).toBeDefined();

    // the claims of the earlier tests complete too: this claim's delivery is the one to verify
    const delivery = await waitFor(async () => receiver.requests.find((r) => r.body.includes(claim!.id)), 60_000, 'the delivery of the claim');
    const event = verifyWebhook(secret, delivery!.headers, delivery!.body);
    expect(event.type).toBe('claim.completed');
    if (event.type !== 'claim.completed') throw new Error('unexpected event type');
    expect(event.data).toMatchObject({ id: claim!.id, status: 'completed' });
    expect(event.data.txHash).toMatch(/^0x[0-9a-f]{64}$/);

    const tampered = delivery!.body.replace('"completed"', '"failed"');
    expect(tampered).not.toBe(delivery!.body);
    expect(() => verifyWebhook(secret, delivery!.headers, tampered)).toThrow(WebhookVerificationError);
    const sig = delivery!.headers['webhook-signature']!;
    const forged = sig.replace(/,(.)/, (_, c: string) => ',' + (c === 'A' ? 'B' : 'A'));
    expect(() => verifyWebhook(secret, { ...delivery!.headers, 'webhook-signature': forged }, delivery!.body)).toThrow(WebhookVerificationError);
    const { data: other } = await direct.POST('/v1/webhook-endpoints', { body: { url: receiver.url, events: ['claim.failed'] } });
    expect(() => verifyWebhook(other!.secret, delivery!.headers, delivery!.body)).toThrow(WebhookVerificationError);

    // the delivery the server recorded for this claim (the earlier tests' claims have theirs) is the one verified
    const recorded = await waitFor(
      async () => {
        for await (const d of direct.paginate('/v1/webhook-endpoints/{id}/deliveries', { path: { id: endpoint!.id } })) {
          if ((d.payload as { data?: { id?: string } }).data?.id === claim!.id && d.status === 'succeeded') return d;
        }
        return null;
      },
      15_000,
      'the delivery recorded as succeeded',
    );
    expect(recorded.webhookId).toBe(delivery!.headers['webhook-id']);
  });
});
