import { randomUUID } from 'node:crypto';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { balanceOf, freshWallet } from '../helpers/chain';
import { standardHeaders, testSecret } from '../helpers/webhook-receiver';

/**
 * Acceptance 3: a 3-member group; each of the three contributions is delivered 5x concurrently, all 15
 * requests at once in random order -> exactly one `cycle:<g>:1` claim, to member 0, for 3x the
 * contribution; the group is at cycle 2; member 0 is paid once on chain; the books balance and the group's
 * account is back at zero.
 */
describe('a cycle completes once under concurrent, repeated, shuffled deliveries', () => {
  const SECRET = testSecret('cycle-acme');
  const t = useWorld({ WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '100000', RL_PER_MIN_IP: '100000' }, { provider: true });

  it('one claim to member 0 for the pot, paid once; group at cycle 2', async () => {
    const members = [freshWallet(), freshWallet(), freshWallet()];
    const g = await http(t.app, 'POST', '/v1/groups', { name: 'three friends', token: 'USDC', contributionAmount: '1.5', members });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ currentCycle: 1, cycleStatus: 'collecting', currentRecipient: members[0], potAmount: '4.5' });
    const groupId = g.body.id as string;

    const requests = members.flatMap((wallet) => {
      const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'contribution.settled', data: { groupId, cycle: 1, wallet, amount: '1.5', token: 'USDC' } });
      return Array.from({ length: 5 }, () => ({ body, headers: standardHeaders(SECRET, body) }));
    });
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    const results = await Promise.all(requests.map((r) => http(t.app, 'POST', '/v1/webhooks/acme', undefined, { auth: null, raw: r.body, headers: r.headers })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate === true)).toHaveLength(12);

    const view = await waitFor(
      async () => {
        const v = await http(t.app, 'GET', `/v1/groups/${groupId}`);
        return v.body.currentCycle === 2 ? v.body : null;
      },
      20_000,
      'group at cycle 2',
    );
    expect(view.pastCycles).toHaveLength(1);
    expect(view.pastCycles[0]).toMatchObject({ cycle: 1, wallet: members[0], amount: '4.5', amountBase: '4500000' });
    expect(view).toMatchObject({ currentRecipient: members[1], contributionsReceived: 0, contributions: [] });

    const claims = await sql(t.world, `SELECT id, wallet, token, amount_base::text AS amount, client FROM claims WHERE reason = $1`, [`cycle:${groupId}:1`]);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ id: view.pastCycles[0].claimId, wallet: members[0], token: 'USDC', amount: '4500000', client: 'cycle' });
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE $1`, [`cycle:${groupId}:%`]))[0].n).toBe(1);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM cycle_payouts WHERE group_id = $1`, [groupId]))[0].n).toBe(1);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM webhook_events WHERE status = 'processed'`))[0].n).toBe(3);

    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${claims[0].id}`)).body.status === 'completed', 30_000, 'payout claim completed');
    expect(await balanceOf(t.world, t.provider, 'USDC', members[0]!)).toBe(4_500_000n);
    expect(await balanceOf(t.world, t.provider, 'USDC', members[1]!)).toBe(0n);
    expect(await balanceOf(t.world, t.provider, 'USDC', members[2]!)).toBe(0n);
    expect((await sql(t.world, 'SELECT count(*)::int AS n FROM payouts WHERE $1 = ANY(claim_ids)', [claims[0].id]))[0].n).toBe(1);

    const tb = await http(t.app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body.balanced).toBe(true);
    const group = await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`group:${groupId}:USDC`)}`);
    expect(group.body[0].balanceBase).toBe('0');
    const ext = await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent('external:acme:USDC')}`);
    expect(ext.body[0].balanceBase).toBe('4500000');
  });
});
