import { randomUUID } from 'node:crypto';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { standardHeaders, testSecret } from '../helpers/webhook-receiver';

/**
 * Acceptance 2: the same event delivered 10x concurrently -> one stored event, one contribution, one ledger
 * journal; one response says `duplicate: false` and nine `duplicate: true`. A later redelivery of the same
 * event id with a new webhook-id (the provider's retry) is still a duplicate.
 */
describe('the same webhook event 10x concurrently has one effect', () => {
  const SECRET = testSecret('dup-acme');
  const t = useWorld({ WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '100000', RL_PER_MIN_IP: '100000' });

  it('stores and applies it once; nine duplicates', async () => {
    const members = [freshWallet(), freshWallet(), freshWallet()];
    const g = await http(t.app, 'POST', '/v1/groups', { name: 'dup test', token: 'USDC', contributionAmount: '3.5', members });
    expect(g.status).toBe(201);
    const groupId = g.body.id as string;

    const event = { id: `evt_${randomUUID()}`, type: 'contribution.settled', data: { groupId, cycle: 1, wallet: members[1], amount: '3.5', token: 'USDC' } };
    const body = JSON.stringify(event);
    const headers = standardHeaders(SECRET, body);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => http(t.app, 'POST', '/v1/webhooks/acme', undefined, { auth: null, raw: body, headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(results.filter((r) => r.body.duplicate === true)).toHaveLength(9);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);

    await waitFor(async () => (await sql(t.world, `SELECT status FROM webhook_events WHERE event_id = $1`, [event.id]))[0]?.status === 'processed', 15_000, 'event processed');
    // the provider retries later with a new message id: same event id, still a duplicate
    const retry = await http(t.app, 'POST', '/v1/webhooks/acme', undefined, { auth: null, raw: body, headers: standardHeaders(SECRET, body, { id: 'msg_retry' }) });
    expect(retry.body).toMatchObject({ duplicate: true, status: 'processed' });

    expect((await sql(t.world, 'SELECT count(*)::int AS n FROM webhook_events WHERE event_id = $1', [event.id]))[0].n).toBe(1);
    expect((await sql(t.world, 'SELECT attempts FROM webhook_events WHERE event_id = $1', [event.id]))[0].attempts).toBe(1);
    expect((await sql(t.world, 'SELECT count(*)::int AS n FROM cycle_contributions WHERE group_id = $1', [groupId]))[0].n).toBe(1);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'cycle.contribution' AND ref = $1`, [groupId]))[0].n).toBe(1);
    const bal = await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`group:${groupId}:USDC`)}`);
    expect(bal.body).toEqual([{ account: `group:${groupId}:USDC`, currency: 'USDC', balanceBase: '-3500000' }]);
    const view = await http(t.app, 'GET', `/v1/groups/${groupId}`);
    expect(view.body).toMatchObject({ currentCycle: 1, contributionsReceived: 1, contributionsExpected: 3, pastCycles: [] });
    expect(view.body.contributions).toEqual([expect.objectContaining({ wallet: members[1], amount: '3.5', amountBase: '3500000', provider: 'acme' })]);
  });
});
