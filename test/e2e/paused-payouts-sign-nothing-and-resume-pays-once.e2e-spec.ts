import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 14, pause (API.md "Treasury controls"): POST /v1/admin/payouts/pause {token} stops every lane from
 * signing payouts of that token (claims keep arriving and wait `pending`; other tokens are paid);
 * /health/ready and `payrail_payouts_paused{token,reason}` show it; POST /v1/admin/payouts/resume lets the
 * waiting claims go, each paid once. Pausing without a token pauses every token. Both are idempotent.
 */
jest.setTimeout(120_000);

describe('pausing payouts', () => {
  const t = useWorld({}, { provider: true });
  const admin = (path: string, body: unknown = {}) => http(t.app, 'POST', path, body, { auth: 'admin' });
  const statusOf = async (ids: string[]) => (await sql(t.world, `SELECT status, count(*)::int AS n FROM claims WHERE id = ANY($1) GROUP BY status ORDER BY status`, [ids]));
  const carried = async (ids: string[]) => (await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE claim_ids && $1::uuid[]`, [ids]))[0].n as number;

  it('a paused token signs nothing while other tokens pay; resume pays the waiting claims once', async () => {
    const entitlements: Entitlement[] = [];
    const post = async (token: string, amount: string, tag: string) => {
      const wallet = freshWallet();
      const r = await http(t.app, 'POST', '/v1/claims', { wallet, token, amount, reason: `pause:${tag}:${wallet}` });
      expect(r.status).toBe(201);
      entitlements.push({ wallet, token, base: token === 'ETH' ? BigInt(Number(amount) * 1e6) * 10n ** 12n : BigInt(Number(amount) * 1e6) });
      return r.body.id as string;
    };

    const paused = await admin('/v1/admin/payouts/pause', { token: 'usdc' });
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toEqual([expect.objectContaining({ token: 'USDC', reason: 'manual', actor: 'admin' })]);
    expect((await admin('/v1/admin/payouts/pause', { token: 'USDC' })).body.paused).toHaveLength(1); // idempotent

    const usdc = await Promise.all([1, 2, 3, 4, 5].map((i) => post('USDC', `0.0${i}`, 'usdc')));
    const eth = await post('ETH', '0.001', 'eth');
    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${eth}`)).body.status === 'completed', 30_000, 'the ETH claim paid');
    await new Promise((r) => setTimeout(r, 3000)); // several blocks and pay attempts while paused
    expect(await statusOf(usdc)).toEqual([{ status: 'pending', n: 5 }]);
    expect(await carried(usdc)).toBe(0);

    const ready = await http(t.app, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.body.details.treasury.paused).toEqual([expect.objectContaining({ token: 'USDC', reason: 'manual' })]);
    const metrics = String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toMatch(/payrail_payouts_paused\{token="USDC",reason="manual"\} 1/);

    const resumed = await admin('/v1/admin/payouts/resume', { token: 'USDC' });
    expect(resumed.body.paused).toEqual([]);
    await waitFor(async () => (await statusOf(usdc)).length === 1 && (await statusOf(usdc))[0].status === 'completed', 60_000, 'the USDC claims paid after resume');
    expect((await admin('/v1/admin/payouts/resume', { token: 'USDC' })).status).toBe(200); // idempotent
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements);
  });

  it('a pause without a token pauses every token; an unknown token is a 400', async () => {
    expect((await admin('/v1/admin/payouts/pause', { token: 'DOGE' })).status).toBe(400);
    const all = await admin('/v1/admin/payouts/pause');
    expect(all.body.paused).toEqual([expect.objectContaining({ token: '*', reason: 'manual' })]);
    const wallet = freshWallet();
    const r = await http(t.app, 'POST', '/v1/claims', { wallet, token: 'ETH', amount: '0.002', reason: `pause-all:${wallet}` });
    await new Promise((res) => setTimeout(res, 2500));
    expect((await http(t.app, 'GET', `/v1/claims/${r.body.id}`)).body.status).toBe('pending');
    expect(await carried([r.body.id])).toBe(0);
    await admin('/v1/admin/payouts/resume');
    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${r.body.id}`)).body.status === 'completed', 60_000, 'paid after resume');
  });
});
