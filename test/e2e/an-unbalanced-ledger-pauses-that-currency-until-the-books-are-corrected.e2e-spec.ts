import { randomUUID } from 'node:crypto';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 14, the breaker (API.md "Treasury controls", reason `imbalance`): every journal is balanced by a
 * constraint trigger at commit, so a trial balance that is not zero can only come from outside Payrail (here a
 * posting written with the triggers switched off, as a hand-made SQL fix would). The reconciliation sees it
 * and pauses that currency's payouts (actor `breaker`): nothing of it is signed, other tokens pay, /health/ready
 * and payrail_payouts_paused{reason="imbalance"} show it. Resume is refused (409 PAYOUT.CAUSE_PRESENT) until
 * the books are corrected, then pays what waited, once.
 */
jest.setTimeout(120_000);

describe('the imbalance breaker', () => {
  const t = useWorld({ RECONCILE_EVERY_MS: '500' }, { provider: true });
  const pauses = async () => (await sql(t.world, `SELECT token, reason, actor FROM payout_pauses ORDER BY token, reason`)) as { token: string; reason: string; actor: string }[];
  /** One posting alone in its journal, past the balance trigger (session_replication_role=replica skips it). */
  const unbalancedPosting = (currency: string, amount: number) => {
    const id = randomUUID();
    return sql(
      t.world,
      `BEGIN;
       SET LOCAL session_replication_role = replica;
       INSERT INTO ledger_journals (id, kind, ref) VALUES ('${id}', 'manual.fix', NULL);
       INSERT INTO ledger_postings (journal_id, account, currency, amount) VALUES ('${id}', 'expense:manual', '${currency}', ${amount});
       COMMIT;`,
    );
  };
  const statusOf = async (ids: string[]) => await sql(t.world, `SELECT status, count(*)::int AS n FROM claims WHERE id = ANY($1) GROUP BY status ORDER BY status`, [ids]);

  it('pauses USDC while the USDC postings do not sum to zero, signs nothing of USDC meanwhile, and resume after the correction pays once', async () => {
    const entitlements: Entitlement[] = [];
    const post = async (token: string, amount: string, base: bigint) => {
      const wallet = freshWallet();
      const r = await http(t.app, 'POST', '/v1/claims', { wallet, token, amount, reason: `imbalance:${wallet}` });
      expect(r.status).toBe(201); // intake keeps accepting
      entitlements.push({ wallet, token, base });
      return r.body.id as string;
    };
    await new Promise((r) => setTimeout(r, 1500)); // a few reconciliations of balanced books: nothing trips
    expect(await pauses()).toEqual([]);

    const t0 = Date.now();
    await unbalancedPosting('USDC', 7);
    expect((await http(t.app, 'GET', '/v1/ledger/trial-balance')).body).toEqual({ currencies: { ETH: '0', USDC: '7' }, balanced: false });
    await waitFor(async () => (await pauses()).length > 0, 20_000, 'USDC payouts paused by the imbalance breaker');
    // eslint-disable-next-line no-console
    console.log(`imbalance breaker: USDC payouts paused ${((Date.now() - t0) / 1000).toFixed(1)} s after the unbalanced posting`);
    expect(await pauses()).toEqual([{ token: 'USDC', reason: 'imbalance', actor: 'breaker' }]);

    const usdc = await Promise.all([1, 2, 3].map((i) => post('USDC', `0.${i}`, BigInt(i) * 100_000n)));
    const eth = await post('ETH', '0.001', 10n ** 15n);
    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${eth}`)).body.status === 'completed', 30_000, 'ETH still paid');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await statusOf(usdc)).toEqual([{ status: 'pending', n: 3 }]);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE token = 'USDC'`))[0].n).toBe(0);
    const ready = await http(t.app, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.body.details.treasury.paused).toEqual([expect.objectContaining({ token: 'USDC', reason: 'imbalance' })]);
    expect(String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body)).toMatch(/payrail_payouts_paused\{token="USDC",reason="imbalance"\} 1/);

    const refused = await http(t.app, 'POST', '/v1/admin/payouts/resume', { token: 'USDC' }, { auth: 'admin' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PAYOUT.CAUSE_PRESENT');
    expect(refused.body.detail).toMatch(/imbalance: the ledger's postings in USDC sum to 7 base units/);
    expect(await pauses()).toEqual([{ token: 'USDC', reason: 'imbalance', actor: 'breaker' }]);

    // the books corrected (postings are append-only: a reversing posting), it stays paused until an admin resumes
    await unbalancedPosting('USDC', -7);
    expect((await http(t.app, 'GET', '/v1/ledger/trial-balance')).body.balanced).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(usdc)).toEqual([{ status: 'pending', n: 3 }]);
    const resumed = await http(t.app, 'POST', '/v1/admin/payouts/resume', { token: 'USDC' }, { auth: 'admin' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toEqual([]);
    await waitFor(async () => {
      const s = await statusOf(usdc);
      return s.length === 1 && s[0].status === 'completed';
    }, 60_000, 'the USDC claims paid after resume');
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements);
    expect(await pauses()).toEqual([]);
  });

  it('a currency Payrail does not pay pauses every token', async () => {
    await unbalancedPosting('DAI', 1);
    await waitFor(async () => (await pauses()).length > 0, 20_000, 'payouts paused by the imbalance breaker');
    expect(await pauses()).toEqual([{ token: '*', reason: 'imbalance', actor: 'breaker' }]);
    expect((await http(t.app, 'POST', '/v1/admin/payouts/resume', {}, { auth: 'admin' })).status).toBe(409);
    await unbalancedPosting('DAI', -1);
    expect((await http(t.app, 'POST', '/v1/admin/payouts/resume', {}, { auth: 'admin' })).body.paused).toEqual([]);
  });
});
