import { JsonRpcProvider, Wallet } from 'ethers';
import { worldQueues, WorldQueues } from '../helpers/queues';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';

/**
 * Issue 11, finding 4. A transaction that is not Payrail's takes the nonce of a payout while the claim's pay
 * job is dead-lettered. The watcher proves the nonce consumed and drops the payout; the claim must then be
 * paid once by a new payout. Before the fix it never was: the broadcast failure after commit (nonce too low)
 * failed the pay job, which with one attempt was dead-lettered; the drop's enqueue was a no-op (the failed job
 * keeps its id, which is the claim id, for 7 days) and the sweeper skips dead-lettered claims, so the claim
 * stayed `pending` for good.
 */
describe('a dropped payout whose job was dead-lettered', () => {
  let world: World;
  let provider: JsonRpcProvider;
  let api: TestApp | undefined;
  let app: TestApp | undefined;
  let queues: WorldQueues;

  beforeAll(() => {
    world = newWorld();
    provider = chainProvider(world);
    queues = worldQueues(world);
  });
  afterAll(async () => {
    await api?.close();
    await app?.close();
    await queues?.close();
    provider?.destroy();
  });

  it('is paid once by a new payout with a new nonce; the old payout is dropped and the dead letter cleared', async () => {
    // 1. API only: the claim is committed and its pay job waits (one attempt, as the workers below)
    api = await bootApp(world, { ROLE: 'api', PAY_CLAIM_ATTEMPTS: '1' });
    const wallet = freshWallet();
    const created = await http(api, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '2.5', reason: 'dropped-dead-lettered:1' });
    expect(created.status).toBe(201);
    const claimId: string = created.body.id;

    // 2. the treasury key, used outside Payrail, spends the nonce the payout is about to get
    const [{ n: nonce }] = await sql(world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [world.treasury]);
    const foreign = await new Wallet(world.treasuryKey, provider).sendTransaction({ to: world.treasury, value: 0n, nonce });
    await waitFor(() => provider.getTransactionReceipt(foreign.hash), 20_000, 'the foreign transaction mined');
    expect(await provider.getTransactionCount(world.treasury, 'latest')).toBe(nonce + 1);

    // 3. the claim's job is dead-lettered. Today's code does that itself below (the broadcast fails, the one
    // attempt is spent); with the fix the job completes once the payout is stored, so the dead letter is the
    // one an earlier version or an earlier failure left: the drop must clear it whatever left it.
    await queues.park([claimId], 'retry: broadcast failed', 1);
    await api.close();
    api = undefined;

    // 4. workers: the payout is signed with the taken nonce, its broadcast refused (nonce too low)
    app = await bootApp(world, { PAY_CLAIM_ATTEMPTS: '1' });
    const first = await waitFor(
      async () => (await sql(world, 'SELECT id, nonce::int AS nonce FROM payouts WHERE $1 = ANY(claim_ids) ORDER BY created_at LIMIT 1', [claimId]))[0],
      30_000,
      'the first payout stored',
    );
    expect(first.nonce).toBe(nonce);

    // 5. the watcher drops it once the foreign transaction is final, and the claim gets a new payout. On
    // today's code it stays `pending` here (dead-lettered, re-enqueue a no-op, skipped by the sweeper).
    await waitFor(async () => (await http(app!, 'GET', `/v1/claims/${claimId}`)).body.status === 'completed', 60_000, 'the claim completed').catch(
      () => undefined,
    );
    const claim = (await http(app, 'GET', `/v1/claims/${claimId}`)).body;
    expect(claim.status).toBe('completed');

    const payouts = await sql(world, 'SELECT id, status, nonce::int AS nonce, mined_tx_hash FROM payouts WHERE $1 = ANY(claim_ids) ORDER BY created_at', [claimId]);
    expect(payouts.map((p) => [p.status, p.nonce])).toEqual([
      ['dropped', nonce],
      ['confirmed', nonce + 1],
    ]);
    expect(claim.payoutId).toBe(payouts[1].id);
    expect(claim.txHash).toBe(payouts[1].mined_tx_hash);
    // paid exactly once on chain
    expect(await balanceOf(world, provider, 'USDC', wallet)).toBe(2_500_000n);
    // the dead letter is gone, and the pay job never failed: its work ended when the payout was stored
    expect(await queues.deadLetters.getJob(claimId)).toBeUndefined();
    expect((await http(app, 'GET', '/v1/admin/dlq', undefined, { auth: 'admin' })).body).toEqual([]);
    expect((await queues.payJobs.getJobCounts('failed')).failed).toBe(0);
    const events = (await http(app, 'GET', `/v1/claims/${claimId}/events`)).body.map((e: { from: string | null; to: string }) => `${e.from}>${e.to}`);
    expect(events).toEqual([
      'null>pending',
      'pending>processing',
      'processing>submitted',
      'submitted>pending', // the drop
      'pending>processing',
      'processing>submitted',
      'submitted>completed',
    ]);
    const tb = await http(app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body).toEqual({ currencies: expect.any(Object), balanced: true });
    for (const sum of Object.values(tb.body.currencies)) expect(sum).toBe('0');
  });
});
