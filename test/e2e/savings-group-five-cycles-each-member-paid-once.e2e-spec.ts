import { randomUUID } from 'node:crypto';
import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';
import { sendSignedWebhook, startWebhookReceiver, testSecret, verifyDelivery, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Acceptance 7: five full cycles of a 5-member group, end to end through signed webhooks, the real payout
 * pipeline and the dev chain: cycle N pays member N-1 the pot exactly once; each member's on-chain balance
 * is exactly one pot; the trial balance is zero, the group's account is back at zero and the provider's
 * external account holds the 25 contributions. A `cycle.completed` endpoint gets one signed delivery per cycle.
 */
describe('a 5-member savings group runs five cycles: each member paid exactly once', () => {
  const SECRET = testSecret('five-cycles');
  let world: World;
  let app: TestApp;
  let provider: JsonRpcProvider;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world, { WEBHOOK_SECRETS: `acme:${SECRET}`, RL_WEBHOOK_PER_MIN: '100000', RL_PER_MIN_IP: '100000' });
    provider = chainProvider(world);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    provider?.destroy();
  });

  it('pays members 0..4 in order, one pot each, and the books balance', async () => {
    const t0 = Date.now();
    const ep = await http(app, 'POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['cycle.completed'] });
    const members = Array.from({ length: 5 }, () => freshWallet());
    const g = await http(app, 'POST', '/v1/groups', { name: 'five', token: 'USDC', contributionAmount: '1.25', members });
    expect(g.status).toBe(201);
    const groupId = g.body.id as string;

    for (let cycle = 1; cycle <= 5; cycle++) {
      const sent = await Promise.all(
        members.map((wallet) =>
          sendSignedWebhook(app, 'acme', SECRET, { id: `evt_${randomUUID()}`, type: 'contribution.settled', data: { groupId, cycle, wallet, amount: '1.25', token: 'USDC' } }),
        ),
      );
      expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      await waitFor(async () => (await http(app, 'GET', `/v1/groups/${groupId}`)).body.currentCycle === cycle + 1, 20_000, `cycle ${cycle} completed`, 100);
    }

    const view = (await http(app, 'GET', `/v1/groups/${groupId}`)).body;
    expect(view.currentCycle).toBe(6);
    expect(view.currentRecipient).toBe(members[0]);
    expect(view.pastCycles.map((c: { cycle: number; wallet: string; amount: string }) => [c.cycle, c.wallet, c.amount])).toEqual(
      members.map((m, i) => [i + 1, m, '6.25']),
    );
    const claimIds = view.pastCycles.map((c: { claimId: string }) => c.claimId);
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [claimIds]))[0].n === 5,
      60_000,
      'five payout claims completed',
    );
    const done = Date.now();

    for (const m of members) expect(await balanceOf(world, provider, 'USDC', m)).toBe(6_250_000n);
    const claims = await sql(world, `SELECT wallet, count(*)::int AS n FROM claims WHERE reason LIKE $1 GROUP BY wallet`, [`cycle:${groupId}:%`]);
    expect(claims).toHaveLength(5);
    expect(claims.every((c) => c.n === 1)).toBe(true);
    expect((await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE claim_ids && $1::uuid[]`, [claimIds]))[0].n).toBe(5);

    const tb = await http(app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body.balanced).toBe(true);
    expect(Object.values(tb.body.currencies).every((v) => v === '0')).toBe(true);
    const bal = async (account: string) => (await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(account)}`)).body[0]?.balanceBase;
    expect(await bal(`group:${groupId}:USDC`)).toBe('0');
    expect(await bal('external:acme:USDC')).toBe('31250000');
    for (const m of members) expect(await bal(`payable:${m}:USDC`)).toBe('0');

    const deliveries = await receiver.waitForRequests(5, 10_000);
    const cycles = deliveries.map((r) => (verifyDelivery(ep.body.secret, r) as { type: string; data: { cycle: number; groupId: string } }).data);
    expect(cycles.map((c) => c.cycle).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(cycles.every((c) => c.groupId === groupId)).toBe(true);
    // eslint-disable-next-line no-console
    console.log(`5 cycles x 5 members: 25 webhooks -> 5 payouts completed on chain in ${((done - t0) / 1000).toFixed(1)} s`);
  });
});
