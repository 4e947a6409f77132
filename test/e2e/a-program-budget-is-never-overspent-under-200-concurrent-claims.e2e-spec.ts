import { API_KEY, http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';
import { parseCsv } from '../helpers/csv';

/**
 * Issue 15, programs (API.md "Programs, client, CLI, reports"): a program's budget is never overspent under any
 * concurrency. 200 concurrent 1-USDC claims against a budget of 150: exactly 150 accepted, 50 refused with 409
 * PROGRAM.BUDGET_EXCEEDED (nothing stored), remaining 0 and never negative; a top-up lets the rest in; a
 * cancelled claim gives its amount back; the budget lives in the ledger (`program:<id>:USDC`) with the trial
 * balance at zero; the paid program reports spent, gas and counts by status; another key cannot see or use it.
 */
jest.setTimeout(240_000);

const OTHER = 'other-client-secret-0123';

describe('programs with budgets', () => {
  const t = useWorld({ API_KEYS: `e2e:${API_KEY},other:${OTHER}`, RL_PER_MIN_IP: '100000', RL_CLAIMS_PER_HOUR_WALLET: '1000' }, { provider: true });
  const get = async (id: string) => (await http(t.app, 'GET', `/v1/programs/${id}`)).body;
  const post = (wallet: string, program: string, reason = `program:${wallet}`, amount = '1') =>
    http(t.app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount, reason, program });

  it('200 concurrent claims against a budget of 150: exactly 150 accepted, remaining 0; a top-up lets the rest in; all paid once', async () => {
    const created = await http(t.app, 'POST', '/v1/programs', { name: 'Referral Q1', token: 'usdc', budget: '150' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Referral Q1', token: 'USDC', budget: '150', reserved: '0', spent: '0', remaining: '150', status: 'open' });
    const id = created.body.id as string;

    const wallets = Array.from({ length: 200 }, () => freshWallet());
    const answers = await Promise.all(wallets.map((w) => post(w, id)));
    const accepted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 409);
    expect([accepted.length, refused.length]).toEqual([150, 50]);
    expect(new Set(refused.map((r) => r.body.code))).toEqual(new Set(['PROGRAM.BUDGET_EXCEEDED']));
    expect(accepted.every((r) => r.body.program === id)).toBe(true);
    const rows = await sql(t.world, `SELECT count(*)::int AS n, sum(amount_base)::text AS s FROM claims WHERE program_id = $1`, [id]);
    expect(rows[0]).toEqual({ n: 150, s: '150000000' });
    expect((await get(id)).remaining).toBe('0');
    const [p] = await sql(t.world, `SELECT budget_base::text AS b, committed_base::text AS c FROM programs WHERE id = $1`, [id]);
    expect(p).toEqual({ b: '150000000', c: '150000000' });

    // a refused claim again: still refused; the budget account mirrors the program
    expect((await post(wallets[answers.indexOf(refused[0]!)]!, id)).status).toBe(409);
    const account = async () => BigInt((await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`program:${id}:USDC`)}`)).body[0]?.balanceBase ?? 0);
    expect(await account()).toBe(0n); // funded 150 (credit), 150 drawn (debits)

    // a top-up lets the 50 in (in bulk, item by item against the budget)
    const top = await http(t.app, 'POST', `/v1/programs/${id}/top-ups`, { amount: '50' });
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({ budget: '200', remaining: '50' });
    const rest = wallets.filter((_, i) => answers[i]!.status === 409);
    const bulk = await http(t.app, 'POST', '/v1/claims/batch', {
      claims: [...rest.map((w) => ({ wallet: w, token: 'USDC', amount: '1', reason: `program:${w}`, program: id })), { wallet: freshWallet(), token: 'USDC', amount: '1', reason: 'one-too-many', program: id }],
    });
    const statuses = bulk.body.items.map((i: { status: number }) => i.status);
    expect(statuses.filter((s: number) => s === 201)).toHaveLength(50);
    expect(statuses[50]).toBe(409);
    expect(bulk.body.items[50].problem.code).toBe('PROGRAM.BUDGET_EXCEEDED');
    expect((await get(id)).remaining).toBe('0');

    await waitFor(async () => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE program_id = $1 AND status = 'completed'`, [id]))[0].n === 200, 120_000, 'the 200 claims paid');
    const done = await get(id);
    expect(done).toMatchObject({ budget: '200', reserved: '0', spent: '200', remaining: '0', claims: 200 });
    expect(Number(done.gas)).toBeGreaterThan(0);
    const report = (await http(t.app, 'GET', `/v1/programs/${id}/report`)).body;
    expect(report.byStatus).toEqual({ completed: { count: 200, amount: '200' } });
    // the program's CSV: one row per claim, amounts summing to `spent`, gas shares to its gas and to the ledger's
    // gas journals of the payouts that carried its claims
    const csv = await fetch(`${t.app.url}/v1/claims/export?program=${id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const [head, ...records] = parseCsv(await csv.text());
    const col = (name: string) => records.map((r) => r[head!.indexOf(name)]!);
    expect(records).toHaveLength(200);
    expect(new Set(col('program'))).toEqual(new Set([id]));
    const total = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x || '0'), 0n);
    expect(total(col('amountBase'))).toBe(200_000_000n);
    const gasWei = total(col('gasShare'));
    expect(Number(gasWei) / 1e18).toBeCloseTo(Number(done.gas), 12);
    const journals = await sql(
      t.world,
      `SELECT coalesce(sum(lp.amount), 0)::text AS wei FROM ledger_journals j JOIN ledger_postings lp ON lp.journal_id = j.id
        WHERE j.kind = 'payout.gas' AND lp.account = 'expense:gas:ETH'
          AND j.ref IN (SELECT DISTINCT payout_id::text FROM claims WHERE program_id = $1)`,
      [id],
    );
    expect(gasWei).toBe(BigInt(journals[0].wei));
    const metrics = String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toContain(`payrail_program_remaining{program="${id}",name="Referral Q1",token="USDC"} 0`);
    const entitlements: Entitlement[] = wallets.map((wallet) => ({ wallet, token: 'USDC', base: 1_000_000n }));
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements);
  });

  it('a cancelled claim gives its amount back; a closed program takes nothing; another key cannot see or use it', async () => {
    const { body: program } = await http(t.app, 'POST', '/v1/programs', { name: 'Savings bonus', token: 'USDC', budget: '5' });
    // pause USDC so the claims stay cancellable
    await http(t.app, 'POST', '/v1/admin/payouts/pause', { token: 'USDC' }, { auth: 'admin' });
    try {
      const a = await post(freshWallet(), program.id, 'bonus:a', '3');
      expect(a.status).toBe(201);
      expect((await post(freshWallet(), program.id, 'bonus:b', '3')).status).toBe(409);
      expect((await get(program.id)).remaining).toBe('2');
      expect((await http(t.app, 'POST', `/v1/claims/${a.body.id}/cancel`)).status).toBe(200);
      expect(await get(program.id)).toMatchObject({ remaining: '5', reserved: '0' });
      expect((await post(freshWallet(), program.id, 'bonus:c', '5')).status).toBe(201);

      // another key: its program is unknown to it, and unusable
      expect((await http(t.app, 'GET', `/v1/programs/${program.id}`, undefined, { auth: OTHER })).status).toBe(404);
      const foreign = await http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '1', reason: 'foreign', program: program.id }, { auth: OTHER });
      expect([foreign.status, foreign.body.code]).toEqual([404, 'PROGRAM.NOT_FOUND']);
      expect((await http(t.app, 'GET', '/v1/programs', undefined, { auth: OTHER })).body.items).toEqual([]);

      // wrong token, closed program
      const eth = await http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.001', reason: 'bonus:eth', program: program.id });
      expect([eth.status, eth.body.code]).toEqual([400, 'PROGRAM.TOKEN_MISMATCH']);
      const closed = await http(t.app, 'POST', `/v1/programs/${program.id}/close`, {});
      expect(closed.body.status).toBe('closed');
      expect((await http(t.app, 'POST', `/v1/programs/${program.id}/top-ups`, { amount: '1' })).body.code).toBe('PROGRAM.CLOSED');
      const late = await http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '1', reason: 'bonus:late', program: program.id });
      expect([late.status, late.body.code]).toEqual([409, 'PROGRAM.CLOSED']);
    } finally {
      await http(t.app, 'POST', '/v1/admin/payouts/resume', { token: 'USDC' }, { auth: 'admin' });
    }
    expect((await http(t.app, 'GET', '/v1/ledger/trial-balance')).body.balanced).toBe(true);
  });
});
