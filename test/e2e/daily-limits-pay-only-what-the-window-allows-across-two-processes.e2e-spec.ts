import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/**
 * Issue 14, daily limits (API.md "Treasury controls"): LIMIT_PER_DAY=USDC:20 and LIMIT_PER_WALLET_DAY=ETH:0.003
 * over two processes and two signer lanes (so lanes really sign in parallel, and only the limit's lock keeps them
 * from both spending the same headroom). 50 concurrent 1-USDC claims: exactly 20 paid, 30 waiting `pending` with
 * lastError naming LIMIT_PER_DAY; 5 ETH claims of 0.001 to one wallet: 3 paid, 2 waiting naming
 * LIMIT_PER_WALLET_DAY. Raising the limits (a restart with new values) pays the rest, each once.
 */
jest.setTimeout(240_000);

describe('daily limits', () => {
  let world: World;
  let app: TestApp | undefined;
  let other: AppProcess | undefined;
  const provider = () => chainProvider(world);
  afterAll(async () => {
    await other?.kill('SIGKILL');
    await app?.close();
  });

  it('pays exactly what the rolling window allows across two processes, and the rest once the limit is raised', async () => {
    world = newWorld({ signers: 4 });
    const limits = { LIMIT_PER_DAY: 'USDC:20', LIMIT_PER_WALLET_DAY: 'ETH:0.003', RL_PER_MIN_IP: '100000', RL_CLAIMS_PER_HOUR_WALLET: '1000', BATCH_MAX: '2' };
    app = await bootApp(world, limits);
    other = await spawnApp(world, { ...limits, ROLE: 'worker' });

    const usdc = Array.from({ length: 50 }, () => freshWallet());
    const ethWallet = freshWallet();
    const posts = [
      ...usdc.map((wallet) => http(app!, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '1', reason: `limit:${wallet}` })),
      ...[1, 2, 3, 4, 5].map((i) => http(app!, 'POST', '/v1/claims', { wallet: ethWallet, token: 'ETH', amount: '0.001', reason: `limit-wallet:${i}` })),
    ];
    const created = await Promise.all(posts);
    expect(created.map((r) => r.status)).toEqual(Array(55).fill(201));
    const usdcIds = created.slice(0, 50).map((r) => r.body.id as string);
    const ethIds = created.slice(50).map((r) => r.body.id as string);

    const counts = async (ids: string[], limit: string) =>
      (await sql(
        world,
        `SELECT count(*) FILTER (WHERE status = 'completed')::int AS paid,
                count(*) FILTER (WHERE status = 'pending' AND last_error LIKE $2)::int AS waiting,
                count(*) FILTER (WHERE status IN ('processing','submitted'))::int AS moving
           FROM claims WHERE id = ANY($1)`,
        [ids, `waiting: ${limit} %`],
      ))[0] as { paid: number; waiting: number; moving: number };
    await waitFor(async () => {
      const [u, e] = [await counts(usdcIds, 'LIMIT_PER_DAY'), await counts(ethIds, 'LIMIT_PER_WALLET_DAY')];
      return u.paid === 20 && u.waiting === 30 && e.paid === 3 && e.waiting === 2;
    }, 90_000, '20 USDC and 3 ETH claims paid, the rest waiting with the limit named');
    await new Promise((r) => setTimeout(r, 4000)); // more rounds and retries: nothing more is signed
    expect(await counts(usdcIds, 'LIMIT_PER_DAY')).toEqual({ paid: 20, waiting: 30, moving: 0 });
    expect(await counts(ethIds, 'LIMIT_PER_WALLET_DAY')).toEqual({ paid: 3, waiting: 2, moving: 0 });
    const signed = await sql(world, `SELECT count(DISTINCT c.id)::int AS n FROM claims c JOIN payouts p ON c.id = ANY(p.claim_ids) WHERE c.id = ANY($1)`, [usdcIds]);
    expect(signed[0].n).toBe(20); // no payout was ever signed for a waiting claim
    const lanes = await sql(world, `SELECT count(DISTINCT signer)::int AS n FROM payouts WHERE kind <> 'approve'`);
    expect(lanes[0].n).toBeGreaterThanOrEqual(2); // several lanes signed: the count was shared, not serialized by one lane

    // an admin raises the limits: a restart with the new values; the waiting claims go out, each once
    await other.kill('SIGTERM');
    other = undefined;
    await app.close();
    app = await bootApp(world, { ...limits, LIMIT_PER_DAY: 'USDC:100', LIMIT_PER_WALLET_DAY: 'ETH:1' });
    await waitFor(async () => (await counts(usdcIds, 'x')).paid === 50 && (await counts(ethIds, 'x')).paid === 5, 90_000, 'every claim paid after the raise');

    const p = provider();
    try {
      const entitlements: Entitlement[] = [
        ...usdc.map((wallet) => ({ wallet, token: 'USDC', base: 1_000_000n })),
        { wallet: ethWallet, token: 'ETH', base: 5n * 10n ** 15n },
      ];
      await expectPaidExactlyOnce(world, app, p, entitlements, world.treasuries);
    } finally {
      p.destroy();
    }
  });
});
