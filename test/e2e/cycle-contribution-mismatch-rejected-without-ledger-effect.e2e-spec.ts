import { randomUUID } from 'node:crypto';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { sendSignedWebhook, testSecret } from '../helpers/webhook-receiver';

/**
 * Acceptance 5: a contribution with the wrong amount, from a non-member, for the wrong cycle (or token, or
 * group) -> the event is stored as `rejected` with the reason; no contribution row, no ledger posting.
 * A matching one afterwards is recorded with exactly one journal.
 */
describe('mismatched contributions are rejected with a reason and no ledger effect', () => {
  const SECRET = testSecret('mismatch-acme');
  const t = useWorld({ WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '100000', RL_PER_MIN_IP: '100000' });

  it('validates groups: members (2..100, distinct, checksummed), token and amount; unknown ids are 404', async () => {
    const [a, b] = [freshWallet(), freshWallet()];
    const bad = async (body: Record<string, unknown>) => {
      const r = await http(t.app, 'POST', '/v1/groups', { name: 'g', token: 'USDC', contributionAmount: '1', members: [a, b], ...body });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    expect(await bad({ members: [a] })).toContain('members');
    expect(await bad({ members: Array.from({ length: 101 }, () => freshWallet()) })).toContain('members');
    expect(await bad({ members: [a, a.toLowerCase()] })).toEqual(['members.1']);
    expect(await bad({ members: [a, '0x70997970C51812dc3A010C7d01b50e0d17dc79c8'] })).toEqual(['members.1']); // bad EIP-55 checksum
    expect(await bad({ members: [a, '0x1234'] })).toEqual(['members']);
    expect(await bad({ token: 'DOGE' })).toEqual(['token']);
    expect(await bad({ contributionAmount: '0' })).toEqual(['contributionAmount']);
    expect(await bad({ contributionAmount: 1 })).toEqual(['contributionAmount']);
    expect(await bad({ extra: true })).toEqual(['extra']);
    expect((await http(t.app, 'GET', '/v1/groups/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await http(t.app, 'GET', '/v1/groups/not-a-uuid')).status).toBe(404);
    expect((await http(t.app, 'GET', '/v1/groups/00000000-0000-4000-8000-000000000000', undefined, { auth: null })).status).toBe(401);
  });

  it('rejects each mismatch with its reason; only the valid one reaches the ledger', async () => {
    const members = [freshWallet(), freshWallet(), freshWallet()];
    const g = await http(t.app, 'POST', '/v1/groups', { name: 'strict', token: 'USDC', contributionAmount: '2', members });
    const groupId = g.body.id as string;
    const ok = { groupId, cycle: 1, wallet: members[2], amount: '2', token: 'USDC' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['wrong amount', { ...ok, amount: '1.99' }, /amount 1\.99 does not match the group's contribution amount 2 USDC/],
      ['too many decimals', { ...ok, amount: '2.0000001' }, /has more than 6 decimals/],
      ['non-member', { ...ok, wallet: freshWallet() }, /is not a member of group/],
      ['wrong cycle', { ...ok, cycle: 2 }, /cycle 2 is not the group's current cycle 1/],
      ['wrong token', { ...ok, token: 'ETH' }, /token ETH does not match the group's token USDC/],
      ['unknown group', { ...ok, groupId: randomUUID() }, /no savings group with id/],
      ['malformed data', { ...ok, cycle: 'one' }, /data\.cycle must be an integer/],
    ];
    const ids: string[] = [];
    for (const [, data] of cases) {
      const id = `evt_${randomUUID()}`;
      ids.push(id);
      const r = await sendSignedWebhook(t.app, 'acme', SECRET, { id, type: 'contribution.settled', data });
      expect(r.status).toBe(200);
    }
    const rows = await waitFor(
      async () => {
        const rs = await sql(t.world, `SELECT event_id, status, reason FROM webhook_events WHERE event_id = ANY($1)`, [ids]);
        return rs.length === cases.length && rs.every((x) => x.status !== 'received') ? rs : null;
      },
      15_000,
      'all mismatched events processed',
    );
    cases.forEach(([name, , reason], i) => {
      const row = rows.find((x) => x.event_id === ids[i]);
      expect({ name, status: row.status }).toEqual({ name, status: 'rejected' });
      expect(row.reason).toMatch(reason);
    });
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM cycle_contributions`))[0].n).toBe(0);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM ledger_postings WHERE account LIKE 'group:%' OR account LIKE 'external:%'`))[0].n).toBe(0);
    const admin = await http(t.app, 'GET', '/v1/admin/webhook-events?status=rejected&limit=200', undefined, { auth: 'admin' });
    expect(admin.body.items).toHaveLength(cases.length);

    // the matching contribution is recorded once, with one journal
    const good = `evt_${randomUUID()}`;
    await sendSignedWebhook(t.app, 'acme', SECRET, { id: good, type: 'contribution.settled', data: ok });
    await waitFor(async () => (await sql(t.world, `SELECT status FROM webhook_events WHERE event_id = $1`, [good]))[0]?.status === 'processed', 15_000, 'valid event processed');
    // and the same member paying again (a new event id) is rejected: one contribution per member and cycle
    const again = `evt_${randomUUID()}`;
    await sendSignedWebhook(t.app, 'acme', SECRET, { id: again, type: 'contribution.settled', data: ok });
    const row = await waitFor(async () => (await sql(t.world, `SELECT status, reason FROM webhook_events WHERE event_id = $1 AND status <> 'received'`, [again]))[0], 15_000, 'repeat contribution');
    expect(row).toMatchObject({ status: 'rejected' });
    expect(row.reason).toMatch(/already contributed to cycle 1/);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM cycle_contributions`))[0].n).toBe(1);
    const postings = await sql(t.world, `SELECT account, amount::text AS amount FROM ledger_postings WHERE account LIKE 'group:%' OR account LIKE 'external:%' ORDER BY account`);
    expect(postings).toEqual([
      { account: 'external:acme:USDC', amount: '2000000' },
      { account: `group:${groupId}:USDC`, amount: '-2000000' },
    ]);
  });
});
