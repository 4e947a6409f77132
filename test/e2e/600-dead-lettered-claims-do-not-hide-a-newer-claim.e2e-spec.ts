import { JsonRpcProvider } from 'ethers';
import { worldQueues, WorldQueues } from '../helpers/queues';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/**
 * Issue 11, finding 5. 600 pending claims parked in the dead-letter queue (a 4-minute RPC outage makes that
 * many), then a newer claim whose enqueue was lost. Before the fix the sweeper read only the oldest 500
 * pending claims, skipped them all as dead-lettered, and never reached the newer one: it was never paid. Now
 * it pages through every stale pending claim: the newer claim is paid once; the 600 stay pending, untouched,
 * and are reported (gauge and warning).
 */
describe('600 dead-lettered claims do not hide a newer claim', () => {
  const PARKED = 600;
  let world: World;
  let provider: JsonRpcProvider;
  let api: TestApp | undefined;
  let worker: AppProcess | undefined;
  let queues: WorldQueues;

  beforeAll(() => {
    world = newWorld();
    provider = chainProvider(world);
    queues = worldQueues(world);
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await api?.close();
    await queues?.close();
    provider?.destroy();
  });

  const gauge = async (): Promise<number | null> => {
    const text = String((await http(api!, 'GET', '/metrics', undefined, { auth: null })).body);
    const line = text.split('\n').find((l) => l.startsWith('payrail_claims_dead_lettered '));
    return line ? Number(line.split(' ')[1]) : null;
  };

  it('pays the newer claim once; the 600 stay pending and are reported', async () => {
    // API only: nothing pays while the claims are set up
    api = await bootApp(world, { ROLE: 'api', RL_PER_MIN_IP: '100000', RL_CLAIMS_PER_HOUR_WALLET: '100000' });
    const parked: string[] = [];
    for (let i = 0; i < PARKED; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, PARKED - i) }, (_, j) =>
          http(api!, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.01', reason: `parked:${i + j}` }),
        ),
      );
      for (const r of batch) {
        expect(r.status).toBe(201);
        parked.push(r.body.id);
      }
    }
    // parked as the pay-claim processor parks a job that exhausted its attempts; their pay jobs gone
    await queues.park(parked, 'retry: rpc unavailable', 8);
    for (const id of parked) await queues.payJobs.remove(id);
    // and as 8 failed attempts leave their rows: leased 8 times (a lane never takes such a claim into a batch)
    await sql(world, `UPDATE claims SET attempts = 8 WHERE id = ANY($1::uuid[])`, [parked]);

    // a newer claim whose enqueue was lost
    await new Promise((r) => setTimeout(r, 50)); // strictly newer than every parked claim
    const wallet = freshWallet();
    const created = await http(api, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '3.25', reason: 'behind-the-parked:1' });
    expect(created.status).toBe(201);
    const claimId: string = created.body.id;
    await queues.payJobs.remove(claimId);
    expect(await queues.payJobs.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized')).toBe(0);
    const [{ n }] = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'pending' AND created_at < (SELECT created_at FROM claims WHERE id = $1)`, [claimId]);
    expect(n).toBe(PARKED);

    // a worker: its sweeper pages past the 600 (it takes claims pending for 10 s). On today's code it reads
    // the oldest 500, all parked, and the newer claim stays pending.
    worker = await spawnApp(world, { ROLE: 'worker' });
    await waitFor(async () => (await http(api!, 'GET', `/v1/claims/${claimId}`)).body.status === 'completed', 60_000, 'the newer claim completed').catch(
      () => undefined,
    );
    expect((await http(api, 'GET', `/v1/claims/${claimId}`)).body.status).toBe('completed');
    expect(await balanceOf(world, provider, 'USDC', wallet)).toBe(3_250_000n);
    const payouts = await sql(world, `SELECT status FROM payouts WHERE $1 = ANY(claim_ids)`, [claimId]);
    expect(payouts).toHaveLength(1); // one payout, mined: confirmed, or already final on a slow run
    expect(['confirmed', 'final']).toContain(payouts[0].status);

    // the 600: untouched (never leased again, no payout, still parked), and reported
    const after = await sql(
      world,
      `SELECT count(*) FILTER (WHERE status = 'pending' AND attempts = 8)::int AS untouched,
              (SELECT count(*)::int FROM payouts WHERE claim_ids && $1::uuid[]) AS payouts
         FROM claims WHERE id = ANY($1::uuid[])`,
      [parked],
    );
    expect(after).toEqual([{ untouched: PARKED, payouts: 0 }]);
    expect((await queues.deadLetters.getRanges(['waiting'], 0, -1)).length).toBe(PARKED);
    expect(await gauge()).toBe(PARKED);
    expect(worker.output()).toContain(`${PARKED} pending claim(s) are parked in the dead-letter queue`);
  });
});
