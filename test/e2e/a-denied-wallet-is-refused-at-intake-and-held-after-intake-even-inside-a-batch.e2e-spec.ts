import { getAddress, hexlify, randomBytes } from 'ethers';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { balanceOf, freshWallet } from '../helpers/chain';

/**
 * Issue 14, denylist (API.md "Treasury controls"): a 10,000-address sanctions file imports in one request
 * ({added, duplicates, invalid}); a claim to a listed wallet is a 403 CLAIM.WALLET_DENIED with nothing stored
 * (single and bulk); a wallet denied after intake is held with the reason and never signed, also when its claim
 * waits among others that go out in one batch (those are paid, once); one that slips past the denial (listed
 * behind Payrail's back, or between intake and signing) is held by the lane before signing.
 */
jest.setTimeout(180_000);

describe('the denylist', () => {
  const t = useWorld({ RL_PER_MIN_IP: '100000', RL_CLAIMS_PER_HOUR_WALLET: '1000' }, { provider: true });
  const admin = (method: string, path: string, body?: unknown, opts: { raw?: string; headers?: Record<string, string> } = {}) =>
    http(t.app, method, path, body, { auth: 'admin', ...opts });
  const status = async (id: string) => (await http(t.app, 'GET', `/v1/claims/${id}`)).body as { status: string; lastError: string | null };
  const claimsTo = async (wallet: string) => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [wallet]))[0].n as number;
  const randomAddress = () => getAddress(hexlify(randomBytes(20)));

  it('imports a 10,000-address CSV and refuses a claim to any of them, nothing stored', async () => {
    const listed = Array.from({ length: 10_000 }, randomAddress);
    const csv = ['address,program', ...listed.map((a, i) => `${i % 2 ? a.toLowerCase() : a},SDN`), `${listed[0]},SDN`, `${listed[1]},SDN`, 'nonsense,SDN', '0x1234,SDN'].join('\n');
    const r = await admin('POST', '/v1/admin/denylist/import?reason=OFAC%20SDN', undefined, { raw: csv, headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ added: 10_000, duplicates: 2, invalid: 2, held: 0 });
    const again = await admin('POST', '/v1/admin/denylist/import', undefined, { raw: listed.slice(0, 10).join('\n'), headers: { 'content-type': 'text/plain' } });
    expect(again.body).toMatchObject({ added: 0, duplicates: 10, invalid: 0 });

    const page = await admin('GET', '/v1/admin/denylist?limit=1000');
    expect(page.body.total).toBe(10_000);
    expect(page.body.items).toHaveLength(1000);
    const next = await admin('GET', `/v1/admin/denylist?limit=1000&cursor=${page.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1000);
    expect(page.body.items.map((d: { address: string }) => d.address)).not.toContain(next.body.items[0].address);
    expect(page.body.items[0]).toMatchObject({ reason: 'OFAC SDN', addedBy: 'admin' });

    const target = listed[4321]!;
    const single = await http(t.app, 'POST', '/v1/claims', { wallet: target.toLowerCase(), token: 'USDC', amount: '1', reason: `deny:${target}` });
    expect(single.status).toBe(403);
    expect(single.body.code).toBe('CLAIM.WALLET_DENIED');
    const ok = freshWallet();
    const bulk = await http(t.app, 'POST', '/v1/claims/batch', {
      claims: [
        { wallet: target, token: 'ETH', amount: '0.001', reason: `deny-bulk:${target}` },
        { wallet: ok, token: 'ETH', amount: '0.001', reason: `deny-bulk:${ok}` },
      ],
    });
    expect(bulk.body.items.map((i: { status: number }) => i.status)).toEqual([403, 201]);
    expect(bulk.body.items[0].problem.code).toBe('CLAIM.WALLET_DENIED');
    expect(await claimsTo(target)).toBe(0);
    const metrics = String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toMatch(/payrail_denylist_hits_total\{stage="intake"\} 2/);

    expect((await admin('POST', '/v1/admin/denylist', { addresses: ['0xnot-an-address'] })).status).toBe(400);
    expect((await admin('DELETE', `/v1/admin/denylist/${freshWallet()}`)).status).toBe(404);
  });

  it('a wallet denied after intake is held and never signed, while the claims around it go out in batches, once', async () => {
    // the claims wait (payouts paused) so the denial lands while they sit among others waiting for one batch
    expect((await admin('POST', '/v1/admin/payouts/pause', { token: 'USDC' })).status).toBe(200);
    const claims = Array.from({ length: 30 }, () => {
      const wallet = freshWallet();
      return { wallet, token: 'USDC', amount: '0.5', reason: `deny-after:${wallet}` };
    });
    const created = await http(t.app, 'POST', '/v1/claims/batch', { claims });
    expect(created.body.items.every((i: { status: number }) => i.status === 201)).toBe(true);
    const ids: string[] = created.body.items.map((i: { claim: { id: string } }) => i.claim.id);
    const denied = claims[13]!.wallet;
    const deny = await admin('POST', '/v1/admin/denylist', { addresses: [denied, denied.toLowerCase()], reason: 'fraud case 77' });
    expect(deny.body).toEqual({ added: 1, duplicates: 1, invalid: 0, held: 1 });
    expect(await status(ids[13]!)).toMatchObject({ status: 'held', lastError: expect.stringContaining('fraud case 77') });

    // one more denied behind the API's back (as a claim created in the instant of a denial): the lane holds it
    const sneaky = claims[20]!.wallet;
    await sql(t.world, `INSERT INTO denylist (address, reason, added_by) VALUES ($1, 'listed by hand', 'sql')`, [sneaky]);

    expect((await admin('POST', '/v1/admin/payouts/resume', { token: 'USDC' })).status).toBe(200);
    const rest = ids.filter((_, i) => i !== 13 && i !== 20);
    await waitFor(
      async () => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [rest]))[0].n === rest.length,
      90_000,
      'the 28 other claims paid',
    );
    await waitFor(async () => (await status(ids[20]!)).status === 'held', 30_000, 'the claim listed behind the API held by its lane');
    expect((await status(ids[20]!)).lastError).toContain('listed by hand');
    expect((await status(ids[13]!)).status).toBe('held');
    const batches = await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE kind = 'batch' AND claim_ids && $1::uuid[] AND cardinality(claim_ids) > 1`, [rest]);
    expect(batches[0].n).toBeGreaterThan(0); // they did go out in batches
    const carriedDenied = await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE claim_ids && $1::uuid[]`, [[ids[13], ids[20]]]);
    expect(carriedDenied[0].n).toBe(0);
    expect(await balanceOf(t.world, t.provider, 'USDC', denied)).toBe(0n);
    expect(await balanceOf(t.world, t.provider, 'USDC', sneaky)).toBe(0n);
    const metrics = String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toMatch(/payrail_denylist_hits_total\{stage="payout"\} 1/);

    // approval is refused while the wallet is denied; removed from the list, an admin's approval pays it once
    const refused = await admin('POST', `/v1/admin/claims/${ids[13]}/approve`);
    expect([refused.status, refused.body.code]).toEqual([403, 'CLAIM.WALLET_DENIED']);
    expect((await admin('DELETE', `/v1/admin/denylist/${denied}`)).status).toBe(204);
    expect((await admin('POST', `/v1/admin/claims/${ids[13]}/approve`)).status).toBe(200);
    await waitFor(async () => (await status(ids[13]!)).status === 'completed', 30_000, 'the approved claim paid');

    const entitlements: Entitlement[] = claims.filter((_, i) => i !== 20).map((c) => ({ wallet: c.wallet, token: 'USDC', base: 500_000n }));
    entitlements.push({ wallet: sneaky, token: 'USDC', base: 0n });
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements, undefined, { unpaidClaimIds: [ids[20]!] });
  });
});
