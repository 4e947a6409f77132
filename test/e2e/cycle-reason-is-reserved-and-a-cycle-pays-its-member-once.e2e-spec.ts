import { randomUUID } from 'node:crypto';
import { getAddress } from 'ethers';
import { deriveIdempoKey } from '../../src/modules/claims/domain/idempo-key';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { balanceOf, freshWallet } from '../helpers/chain';
import { sendSignedWebhook, testSecret } from '../helpers/webhook-receiver';

/**
 * Issue 11, finding 6 (API.md "Reserved reasons", "Savings groups and cycles"): a cycle's payout claim has
 * the deterministic reason `cycle:<groupId>:<n>`, so its idempoKey is known in advance. Before the fix a
 * client could create that claim first and cancel it; completion then reused the cancelled claim and the
 * member was never paid. Now:
 *   - a client claim with a `cycle:` reason is a 400 naming `reason`, and nothing is stored;
 *   - the cycle completes and pays its member exactly once on chain although the client tried first;
 *   - a claim with the cycle's idempoKey that is not a live cycle claim (only rows from before reserved
 *     reasons: inserted here by SQL, since no API path can create one any more) stops the completion loudly
 *     instead of being reused: the cycle stays `due`, no payout row, nothing paid;
 *   - a cycle claim that fails on chain (its member is a contract that reverts the transfer: a real revert,
 *     made with hardhat_setCode) stays visible as `failed` on the group, and an admin repay pays it exactly
 *     once (idempotent; 409 for a cycle whose claim did not fail); the trial balance stays zero.
 */
describe('the cycle: reason is reserved and a cycle pays its member once', () => {
  const SECRET = testSecret('reserved-cycle');
  const t = useWorld({ WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '100000', RL_PER_MIN_IP: '100000' }, { provider: true });

  const group = async (token: string, contributionAmount: string, members: string[]) => {
    const g = await http(t.app, 'POST', '/v1/groups', { name: `reserved-${randomUUID().slice(0, 8)}`, token, contributionAmount, members });
    expect(g.status).toBe(201);
    return g.body.id as string;
  };
  const contribute = async (groupId: string, cycle: number, members: string[], amount: string, token: string) => {
    const sent = await Promise.all(
      members.map((wallet) =>
        sendSignedWebhook(t.app, 'acme', SECRET, { id: `evt_${randomUUID()}`, type: 'contribution.settled', data: { groupId, cycle, wallet, amount, token } }),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual(members.map(() => 200));
  };
  const view = async (groupId: string) => (await http(t.app, 'GET', `/v1/groups/${groupId}`)).body;
  const claimStatus = async (id: string) => (await http(t.app, 'GET', `/v1/claims/${id}`)).body.status;
  const balance = async (account: string) =>
    (await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(account)}`)).body[0]?.balanceBase ?? '0';
  const trialBalanceIsZero = async () => {
    const tb = (await http(t.app, 'GET', '/v1/ledger/trial-balance')).body;
    expect(tb.balanced).toBe(true);
    expect(Object.values(tb.currencies).every((v) => v === '0')).toBe(true);
  };
  const repay = (groupId: string, n: number | string) => http(t.app, 'POST', `/v1/admin/groups/${groupId}/cycles/${n}/repay`, undefined, { auth: 'admin' });

  it('a client claim with a cycle: reason -> 400 naming `reason`, no row', async () => {
    const wallet = freshWallet();
    for (const reason of [`cycle:${randomUUID()}:1`, `CYCLE:${randomUUID()}:1`]) {
      const res = await http(t.app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '1', reason });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'reason', message: expect.stringContaining('reserved') }]);
    }
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [wallet]))[0].n).toBe(0);
  });

  it('a cycle pays its member exactly once on chain although a client tried its reason (and to cancel it) first', async () => {
    const members = [freshWallet(), freshWallet(), freshWallet()];
    const groupId = await group('USDC', '0.5', members);
    // the attack before the fix: create the cycle's claim (same wallet, pot and reason = same idempoKey), cancel it
    const squat = await http(t.app, 'POST', '/v1/claims', { wallet: members[0], token: 'USDC', amount: '1.5', reason: `cycle:${groupId}:1` });
    expect(squat.status).toBe(400);
    if (squat.status === 201) await http(t.app, 'POST', `/v1/claims/${squat.body.id}/cancel`);

    await contribute(groupId, 1, members, '0.5', 'USDC');
    await waitFor(async () => (await view(groupId)).currentCycle === 2, 20_000, 'cycle 1 completed');
    const past = (await view(groupId)).pastCycles[0];
    expect(past).toMatchObject({ cycle: 1, wallet: members[0], amount: '1.5', previousClaimIds: [] });
    await waitFor(async () => (await claimStatus(past.claimId)) === 'completed', 60_000, 'the cycle claim paid');

    expect(await balanceOf(t.world, t.provider, 'USDC', members[0]!)).toBe(1_500_000n);
    const claims = await sql(t.world, `SELECT id, client, status FROM claims WHERE wallet = $1`, [members[0]]);
    expect(claims).toEqual([{ id: past.claimId, client: 'cycle', status: 'completed' }]);
    expect((await view(groupId)).pastCycles[0].claimStatus).toBe('completed');
    expect(await balance(`payable:${members[0]}:USDC`)).toBe('0');
    expect(await balance(`group:${groupId}:USDC`)).toBe('0');
    await trialBalanceIsZero();
  });

  it('a legacy non-cycle claim holding the cycle reason stops the completion loudly: the cycle stays due, nothing paid', async () => {
    const members = [freshWallet(), freshWallet()];
    const groupId = await group('USDC', '0.25', members);
    // rows like this could only be created before reasons were reserved: no API path makes one now
    const reason = `cycle:${groupId}:1`;
    const [legacy] = await sql(
      t.world,
      `INSERT INTO claims (idempo_key, wallet, token, amount_base, decimals, reason, client, status, processed_at)
       VALUES ($1, $2, 'USDC', 500000, 6, $3, 'e2e', 'cancelled', now()) RETURNING id`,
      [deriveIdempoKey(members[0]!, 500_000n, 'USDC', reason), getAddress(members[0]!), reason],
    );

    await contribute(groupId, 1, members, '0.25', 'USDC');
    await waitFor(async () => (await view(groupId)).cycleStatus === 'due', 20_000, 'every contribution recorded');
    await new Promise((r) => setTimeout(r, 2_000)); // the webhook jobs' completion attempts (retried) all fail
    const v = await view(groupId);
    expect(v).toMatchObject({ currentCycle: 1, cycleStatus: 'due', contributionsReceived: 2, pastCycles: [] });
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM cycle_payouts WHERE group_id = $1`, [groupId]))[0].n).toBe(0);
    expect(await sql(t.world, `SELECT id, status FROM claims WHERE reason LIKE $1`, [`cycle:${groupId}:%`])).toEqual([{ id: legacy.id, status: 'cancelled' }]);
    expect(await balance(`group:${groupId}:USDC`)).toBe('-500000'); // the pot is still held for the member
    expect(await balanceOf(t.world, t.provider, 'USDC', members[0]!)).toBe(0n);
    await trialBalanceIsZero();
  });

  it('a cycle claim that reverts on chain stays visible as failed; an admin repay pays it exactly once', async () => {
    // member 0 is a contract whose code reverts every call: the cycle's ETH transfer is mined and reverts
    const member = freshWallet();
    const other = freshWallet();
    await t.provider.send('hardhat_setCode', [member, '0x60006000fd']); // PUSH1 0 PUSH1 0 REVERT
    const groupId = await group('ETH', '0.001', [member, other]);
    const pot = 2_000_000_000_000_000n;

    await contribute(groupId, 1, [member, other], '0.001', 'ETH');
    await waitFor(async () => (await view(groupId)).pastCycles[0]?.claimStatus === 'failed', 60_000, 'the cycle claim failed on chain');
    const failed = (await view(groupId)).pastCycles[0];
    expect(failed).toMatchObject({ cycle: 1, wallet: member, amount: '0.002', previousClaimIds: [] });
    const payouts = await sql(t.world, `SELECT status FROM payouts WHERE $1 = ANY(claim_ids)`, [failed.claimId]);
    expect(payouts).toEqual([{ status: 'reverted' }]);
    expect(await balanceOf(t.world, t.provider, 'ETH', member)).toBe(0n);
    expect(await balance(`payable:${member}:ETH`)).toBe('0'); // the failed claim's entitlement was reversed
    await trialBalanceIsZero();

    // not repayable: a cycle that has not completed (404), a cycle whose claim did not fail (below, 409)
    expect((await repay(groupId, 2)).status).toBe(404);
    expect((await repay(groupId, 'one')).status).toBe(404);
    expect((await http(t.app, 'POST', `/v1/admin/groups/${groupId}/cycles/1/repay`)).status).toBe(403); // an API key

    await t.provider.send('hardhat_setCode', [member, '0x']); // the member can receive again
    const first = await repay(groupId, 1);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ wallet: member, token: 'ETH', amount: '0.002', client: 'cycle', reason: `cycle:${groupId}:1:repay:1` });
    const again = await repay(groupId, 1);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const repaid = (await view(groupId)).pastCycles[0];
    expect(repaid).toMatchObject({ claimId: first.body.id, previousClaimIds: [failed.claimId] });
    const events = (await http(t.app, 'GET', `/v1/claims/${first.body.id}/events`)).body;
    expect(events[0]).toMatchObject({ to: 'pending', actor: 'admin', detail: { repays: failed.claimId, cycle: 1 } });

    await waitFor(async () => (await claimStatus(first.body.id)) === 'completed', 60_000, 'the repay claim paid');
    expect(await balanceOf(t.world, t.provider, 'ETH', member)).toBe(pot);
    expect((await repay(groupId, 1)).body).toMatchObject({ id: first.body.id, status: 'completed' }); // still the same, 200
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE $1`, [`cycle:${groupId}:1%`]))[0].n).toBe(2);
    expect((await view(groupId)).pastCycles[0].claimStatus).toBe('completed');

    // cycle 2 pays `other` normally: its claim is not failed or cancelled -> 409, nothing created
    await contribute(groupId, 2, [member, other], '0.001', 'ETH');
    await waitFor(async () => (await view(groupId)).pastCycles[1]?.claimStatus === 'completed', 60_000, 'cycle 2 paid');
    const conflict = await repay(groupId, 2);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('CYCLE.NOT_REPAYABLE');
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE $1`, [`cycle:${groupId}:2%`]))[0].n).toBe(1);
    expect(await balanceOf(t.world, t.provider, 'ETH', other)).toBe(pot);
    expect(await balanceOf(t.world, t.provider, 'ETH', member)).toBe(pot);

    expect(await balance(`payable:${member}:ETH`)).toBe('0');
    expect(await balance(`group:${groupId}:ETH`)).toBe('0');
    await trialBalanceIsZero();
    await waitFor(
      async () => BigInt(await balance('treasury:ETH')) === (await balanceOf(t.world, t.provider, 'ETH', t.world.treasury)),
      15_000,
      'treasury:ETH equals the chain (gas of the reverted payout included)',
    );
  });
});
