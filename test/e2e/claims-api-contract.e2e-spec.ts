import { http, sql, useWorld } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * The claims API's contract (API.md): validation, auth, 404, cancel. The app runs with ROLE=api (no
 * processors), so claims stay `pending` and cancel can be exercised deterministically.
 */
describe('claims API contract (validation, auth, not found, cancel)', () => {
  const t = useWorld({ ROLE: 'api' });

  const valid = () => ({ wallet: freshWallet(), token: 'USDC', amount: '0.1', reason: `contract:${Math.random()}` });

  function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, field?: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }));
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }

  const invalid: [string, Record<string, unknown>, string][] = [
    ['wallet missing', { wallet: undefined }, 'wallet'],
    ['wallet not hex', { wallet: '0xZZ9Fd6e51aad88F6F4ce6aB8827279cffFb92266' }, 'wallet'],
    ['wallet too short', { wallet: '0x1234' }, 'wallet'],
    ['wallet bad checksum', { wallet: '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266' }, 'wallet'],
    ['token unknown', { token: 'DOGE' }, 'token'],
    ['token not a string', { token: 5 }, 'token'],
    ['amount as JSON number', { amount: 0.1 }, 'amount'],
    ['amount exponent', { amount: '1e3' }, 'amount'],
    ['amount negative', { amount: '-1' }, 'amount'],
    ['amount zero', { amount: '0' }, 'amount'],
    ['amount zero with decimals', { amount: '0.000000' }, 'amount'],
    ['amount excess decimals', { amount: '0.0000001' }, 'amount'],
    ['amount over 2^256-1', { amount: '115792089237316195423570985008687907853269984665640564039457584007913129.639936' }, 'amount'],
    ['amount missing', { amount: undefined }, 'amount'],
    ['reason empty', { reason: '' }, 'reason'],
    ['reason too long', { reason: 'x'.repeat(201) }, 'reason'],
    ['reason not a string', { reason: 42 }, 'reason'],
    ['unknown field', { memo: 'hi' }, 'memo'],
  ];

  it.each(invalid)('rejects %s with 400 problem+json naming the field', async (_name, patch, field) => {
    const body: Record<string, unknown> = { ...valid(), ...patch };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const before = await sql(t.world, 'SELECT count(*)::int AS n FROM claims');
    const res = await http(t.app, 'POST', '/v1/claims', body);
    expectProblem(res, 400, field);
    const after = await sql(t.world, 'SELECT count(*)::int AS n FROM claims');
    expect(after[0].n).toBe(before[0].n); // nothing stored
  });

  it('accepts the largest amount ETH can express (2^256-1 wei) and an all-lower-case wallet', async () => {
    const res = await http(t.app, 'POST', '/v1/claims', {
      wallet: freshWallet().toLowerCase(),
      token: 'ETH',
      amount: '115792089237316195423570985008687907853269984665640564039457.584007913129639935',
      reason: `max:${Math.random()}`,
    });
    expect(res.status).toBe(201);
    expect(res.body.amountBase).toBe(((1n << 256n) - 1n).toString());
  });

  it('rejects a malformed JSON body and a non-JSON content type as problem+json', async () => {
    expectProblem(await http(t.app, 'POST', '/v1/claims', undefined, { raw: '{"wallet": ' }), 400);
    const res = await http(t.app, 'POST', '/v1/claims', undefined, { raw: 'wallet=1', headers: { 'content-type': 'text/plain' } });
    expect([400, 415]).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('rejects a body over 64 KiB with 413 problem+json', async () => {
    const res = await http(t.app, 'POST', '/v1/claims', { ...valid(), reason: 'x'.repeat(70 * 1024) });
    expectProblem(res, 413);
  });

  it('requires an API key (401) and refuses a wrong one (401)', async () => {
    expectProblem(await http(t.app, 'POST', '/v1/claims', valid(), { auth: null }), 401);
    expectProblem(await http(t.app, 'GET', '/v1/claims', undefined, { auth: 'not-a-key' }), 401);
    expectProblem(await http(t.app, 'GET', '/v1/ledger/trial-balance', undefined, { auth: null }), 401);
  });

  it('answers 404 problem+json for an unknown claim, payout or route', async () => {
    expectProblem(await http(t.app, 'GET', '/v1/claims/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await http(t.app, 'GET', '/v1/claims/not-a-uuid'), 404);
    expectProblem(await http(t.app, 'GET', '/v1/claims/00000000-0000-4000-8000-000000000000/events'), 404);
    expectProblem(await http(t.app, 'POST', '/v1/claims/00000000-0000-4000-8000-000000000000/cancel'), 404);
    expectProblem(await http(t.app, 'GET', '/v1/payouts/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await http(t.app, 'GET', '/v1/nowhere'), 404);
  });

  it('creates (201), returns the same claim for the same entitlement (200), and shows it', async () => {
    const body = valid();
    const first = await http(t.app, 'POST', '/v1/claims', body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual(
      expect.objectContaining({
        wallet: body.wallet,
        token: 'USDC',
        amount: '0.1',
        amountBase: '100000',
        reason: body.reason,
        client: 'e2e',
        status: 'pending',
        attempts: 0,
        txHash: null,
        payoutId: null,
        processedAt: null,
        lastError: null,
      }),
    );
    expect(first.body.idempoKey).toMatch(/^0x[0-9a-f]{64}$/);
    // same entitlement written differently: lower-case wallet, trailing zeros, lower-case token
    const again = await http(t.app, 'POST', '/v1/claims', { ...body, wallet: body.wallet.toLowerCase(), amount: '0.100000', token: 'usdc' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const got = await http(t.app, 'GET', `/v1/claims/${first.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(first.body);
  });

  it('cancels a pending claim once (ledger reversed), then answers 409', async () => {
    const created = await http(t.app, 'POST', '/v1/claims', valid());
    const id = created.body.id;
    const cancelled = await http(t.app, 'POST', `/v1/claims/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expectProblem(await http(t.app, 'POST', `/v1/claims/${id}/cancel`), 409);
    const payable = await sql(t.world, `SELECT coalesce(sum(amount),0)::text AS s FROM ledger_postings WHERE account = $1`, [
      `payable:${created.body.wallet}:USDC`,
    ]);
    expect(payable[0].s).toBe('0');
    const events = await http(t.app, 'GET', `/v1/claims/${id}/events`);
    expect(events.body.map((e: { to: string }) => e.to)).toEqual(['pending', 'cancelled']);
    expect(events.body[1].actor).toBe('api:e2e');
    const tb = await http(t.app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body).toEqual({ currencies: { ETH: '0', USDC: '0' }, balanced: true });
  });

  it('lists claims newest first with a cursor, filtered by wallet and status', async () => {
    const wallet = freshWallet();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await http(t.app, 'POST', '/v1/claims', { wallet, token: 'ETH', amount: `0.00${i + 1}`, reason: `list:${i}` });
      ids.push(r.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/claims?wallet=${wallet.toLowerCase()}&status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await http(t.app, 'GET', q);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expectProblem(await http(t.app, 'GET', '/v1/claims?limit=0'), 400, 'limit');
    expectProblem(await http(t.app, 'GET', '/v1/claims?status=paid'), 400, 'status');
    expectProblem(await http(t.app, 'GET', '/v1/claims?cursor=garbage'), 400, 'cursor');
  });

  it('pages through claims created in the same millisecond without skipping any', async () => {
    const wallet = freshWallet();
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => http(t.app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '0.01', reason: `burst:${i}` })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await http(
        t.app,
        'GET',
        `/v1/claims?wallet=${wallet}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(30);
    expect(new Set(seen)).toEqual(new Set(created.map((r) => r.body.id)));
  });

  it('is ready and live, and serves the OpenAPI document', async () => {
    expect((await http(t.app, 'GET', '/health/live', undefined, { auth: null })).status).toBe(200);
    const ready = await http(t.app, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual(
      expect.objectContaining({ database: { status: 'up' }, redis: { status: 'up' }, chain: expect.objectContaining({ status: 'up', chainId: 31337 }) }),
    );
    const doc = await http(t.app, 'GET', '/docs-json', undefined, { auth: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/claims', '/v1/claims/{id}', '/v1/claims/{id}/cancel', '/v1/payouts/{id}', '/v1/ledger/trial-balance']));
  });
});
