import { http, sql, useWorld, waitFor } from '../helpers/app';
import { balanceOf, freshWallet } from '../helpers/chain';

/** Acceptance 2: 50 concurrent identical POSTs -> exactly one claim (one 201, 49x 200, same id), one transfer. */
describe('one claim and one transfer for 50 identical concurrent POSTs', () => {
  const t = useWorld({}, { provider: true });

  it.each(['USDC', 'ETH'])('%s: one 201, 49x 200 with the same id, paid once on chain', async (token) => {
    const body = { wallet: freshWallet(), token, amount: '0.25', reason: `race:${token}:${Date.now()}` };
    const results = await Promise.all(Array.from({ length: 50 }, () => http(t.app, 'POST', '/v1/claims', body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];

    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${id}`)).body.status === 'completed', 60_000, 'claim completed');
    const rows = await sql(t.world, 'SELECT count(*)::int AS n FROM claims WHERE wallet = $1', [body.wallet]);
    expect(rows[0].n).toBe(1);
    const payouts = await sql(t.world, 'SELECT count(*)::int AS n FROM payouts WHERE $1 = ANY(claim_ids)', [id]);
    expect(payouts[0].n).toBe(1);
    const decimals = token === 'ETH' ? 18n : 6n;
    expect(await balanceOf(t.world, t.provider, token, body.wallet)).toBe(25n * 10n ** (decimals - 2n));
    const journals = await sql(t.world, `SELECT count(*)::int AS n FROM ledger_journals WHERE ref = $1`, [id]);
    expect(journals[0].n).toBe(1); // claim.created only (settlement journals are keyed by payout)
    const events = await http(t.app, 'GET', `/v1/claims/${id}/events`);
    expect(events.body.map((e: { to: string }) => e.to)).toEqual(['pending', 'processing', 'submitted', 'completed']);
  });
});
