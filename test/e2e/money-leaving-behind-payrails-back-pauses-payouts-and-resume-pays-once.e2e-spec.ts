import { toBeHex } from 'ethers';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 14, the breaker (API.md "Treasury controls", reason `drift`): with DRIFT_TOLERANCE=ETH:0.001, ETH that
 * leaves the treasury by other means than Payrail's payouts (here the node's balance lowered behind its back,
 * as a key used outside Payrail would) is booked by the funding sync as a `funding.withdrawal` AND pauses ETH
 * payouts in the same transaction, within seconds. While paused nothing of ETH is signed (claims wait
 * `pending`; USDC still pays); /health/ready and payrail_payouts_paused{token="ETH",reason="drift"} show it.
 * An admin resume lets the waiting claims go, each paid once. An outflow within the tolerance pauses nothing.
 */
jest.setTimeout(120_000);

describe('the drift breaker', () => {
  const t = useWorld({ DRIFT_TOLERANCE: 'ETH:0.001' }, { provider: true });
  const setEth = async (v: bigint) => t.provider.send('hardhat_setBalance', [t.world.treasury, toBeHex(v)]);
  const pauses = async () => (await sql(t.world, `SELECT token, reason, actor FROM payout_pauses ORDER BY token, reason`)) as { token: string; reason: string; actor: string }[];

  it('pauses ETH payouts when ETH leaves behind Payrail\'s back, pays nothing of ETH meanwhile, and resume pays once', async () => {
    const before = await t.provider.getBalance(t.world.treasury);
    const topups = async () => (await sql(t.world, `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'funding.topup' AND id LIKE '%:ETH:%'`))[0].n as number;
    const topupsBefore = await topups(); // the opening balance

    // within the tolerance: booked, nothing paused
    await setEth(before - 10n ** 14n); // 0.0001 ETH
    await waitFor(async () => (await sql(t.world, `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'funding.withdrawal'`))[0].n === 1, 20_000, 'the small outflow booked');
    expect(await pauses()).toEqual([]);

    // beyond it: booked and paused, within seconds
    const t0 = Date.now();
    await setEth(before - 10n ** 14n - 10n ** 16n); // 0.01 ETH more
    await waitFor(async () => (await pauses()).length > 0, 20_000, 'ETH payouts paused by the breaker');
    // eslint-disable-next-line no-console
    console.log(`drift breaker: ETH payouts paused ${((Date.now() - t0) / 1000).toFixed(1)} s after the outflow`);
    expect(await pauses()).toEqual([{ token: 'ETH', reason: 'drift', actor: 'breaker' }]);

    const entitlements: Entitlement[] = [];
    const post = async (token: string, amount: string, base: bigint) => {
      const wallet = freshWallet();
      const r = await http(t.app, 'POST', '/v1/claims', { wallet, token, amount, reason: `drift:${wallet}` });
      expect(r.status).toBe(201); // intake keeps accepting
      entitlements.push({ wallet, token, base });
      return r.body.id as string;
    };
    const eth = await Promise.all([1, 2, 3].map((i) => post('ETH', `0.00${i}`, BigInt(i) * 10n ** 15n)));
    const usdc = await post('USDC', '0.5', 500_000n);
    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${usdc}`)).body.status === 'completed', 30_000, 'USDC still paid');
    await new Promise((r) => setTimeout(r, 2500));
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'pending'`, [eth]))[0].n).toBe(3);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE claim_ids && $1::uuid[]`, [eth]))[0].n).toBe(0);
    const ready = await http(t.app, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.body.details.treasury.paused).toEqual([expect.objectContaining({ token: 'ETH', reason: 'drift' })]);
    expect(String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body)).toMatch(/payrail_payouts_paused\{token="ETH",reason="drift"\} 1/);

    // the cause explained (the money is back), an admin resumes: each waiting claim paid once
    await setEth(before);
    await waitFor(async () => (await topups()) > topupsBefore, 20_000, 'the return booked');
    expect((await http(t.app, 'POST', '/v1/admin/payouts/resume', { token: 'ETH' }, { auth: 'admin' })).body.paused).toEqual([]);
    await waitFor(async () => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [eth]))[0].n === 3, 60_000, 'the ETH claims paid after resume');
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements);
    expect(await pauses()).toEqual([]);
  });
});
