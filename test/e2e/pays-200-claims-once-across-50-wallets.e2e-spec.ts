import { http, sql, useWorld, waitFor } from '../helpers/app';
import { balanceOf, freshWallet } from '../helpers/chain';

/**
 * Acceptance 1: 200 claims over 50 fresh wallets, USDC and ETH mixed, over HTTP -> all completed; each
 * wallet's on-chain balance equals the sum of its claims exactly; trial balance zero; the treasury's
 * on-chain movements equal the ledger's treasury movements (USDC: the payouts; ETH: payouts plus gas).
 */
describe('pays 200 claims once across 50 wallets', () => {
  const t = useWorld({}, { provider: true });

  async function ledgerBalance(account: string): Promise<bigint> {
    const r = await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(account)}`);
    return BigInt(r.body[0]?.balanceBase ?? '0');
  }

  it('completes all 200 and every balance reconciles on chain and in the ledger', async () => {
    const wallets = Array.from({ length: 50 }, () => freshWallet());
    const claims = Array.from({ length: 200 }, (_, i) => {
      const token = i % 3 === 0 ? 'ETH' : 'USDC';
      const units = BigInt((i * 7919) % 997) + 1n; // 1..997, varied
      return {
        wallet: wallets[i % 50]!,
        token,
        amount: token === 'ETH' ? `0.${units.toString().padStart(6, '0')}` : `${units}.${(i % 100).toString().padStart(2, '0')}`,
        base: token === 'ETH' ? units * 10n ** 12n : units * 1_000_000n + BigInt(i % 100) * 10_000n,
        reason: `bulk:${i}`,
      };
    });

    const treasuryUsdcBefore = await balanceOf(t.world, t.provider, 'USDC', t.world.treasury);
    const ledgerUsdcBefore = await ledgerBalance('treasury:USDC');
    expect(ledgerUsdcBefore).toBe(treasuryUsdcBefore); // opening funding posted from the chain at boot

    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < claims.length; i += 25) {
      const batch = await Promise.all(
        claims.slice(i, i + 25).map((c) => http(t.app, 'POST', '/v1/claims', { wallet: c.wallet, token: c.token, amount: c.amount, reason: c.reason })),
      );
      for (const r of batch) {
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
    }
    const submitted = Date.now();

    await waitFor(
      async () => {
        const rows = await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`);
        return rows[0].n === 200;
      },
      180_000,
      '200 claims completed',
      500,
    );
    const done = Date.now();
    // eslint-disable-next-line no-console
    console.log(
      `200 claims: submitted in ${((submitted - t0) / 1000).toFixed(1)} s, all completed after ${((done - t0) / 1000).toFixed(1)} s ` +
        `(${(200 / ((done - t0) / 1000)).toFixed(1)} claims/s to completed)`,
    );

    // Through the API, every claim is completed with a tx hash.
    const views = await Promise.all(ids.map((id) => http(t.app, 'GET', `/v1/claims/${id}`)));
    for (const v of views) {
      expect(v.body.status).toBe('completed');
      expect(v.body.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    }

    // Each wallet's on-chain balance is exactly the sum of its claims, per token.
    for (const w of wallets) {
      for (const token of ['USDC', 'ETH']) {
        const expected = claims.filter((c) => c.wallet === w && c.token === token).reduce((s, c) => s + c.base, 0n);
        expect(await balanceOf(t.world, t.provider, token, w)).toBe(expected);
      }
    }

    // Every claim in exactly one mined payout (batches carry many), nonces distinct, and the claims that
    // arrived while the lane was busy went out together (adaptive batching), not one transaction each.
    const payouts = await sql(
      t.world,
      `SELECT count(DISTINCT p.id)::int AS n, count(DISTINCT u.claim)::int AS distinct_claims,
              count(DISTINCT p.id) FILTER (WHERE kind = 'batch')::int AS batches
         FROM payouts p LEFT JOIN LATERAL unnest(p.claim_ids) u(claim) ON true
        WHERE status IN ('confirmed', 'final') AND kind <> 'approve'`,
    );
    const mined = await sql(t.world, `SELECT count(*)::int AS n, count(DISTINCT nonce)::int AS nonces, sum(cardinality(claim_ids))::int AS carried FROM payouts WHERE status IN ('confirmed', 'final')`);
    expect(mined[0].nonces).toBe(mined[0].n);
    expect(mined[0].carried).toBe(200);
    expect(payouts[0].distinct_claims).toBe(200);
    expect(payouts[0].batches).toBeGreaterThan(0);
    expect(payouts[0].n).toBeLessThan(100);

    // The books balance, and the treasury accounts equal the chain.
    const tb = await http(t.app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body).toEqual({ currencies: { ETH: '0', USDC: '0' }, balanced: true });
    const usdcPaid = claims.filter((c) => c.token === 'USDC').reduce((s, c) => s + c.base, 0n);
    const treasuryUsdcAfter = await balanceOf(t.world, t.provider, 'USDC', t.world.treasury);
    expect(treasuryUsdcBefore - treasuryUsdcAfter).toBe(usdcPaid);
    expect(ledgerUsdcBefore - (await ledgerBalance('treasury:USDC'))).toBe(usdcPaid);
    expect(await ledgerBalance('treasury:ETH')).toBe(await balanceOf(t.world, t.provider, 'ETH', t.world.treasury));
    for (const w of wallets.slice(0, 5)) expect(await ledgerBalance(`payable:${w}:USDC`)).toBe(0n);
  });
});
