import { JsonRpcProvider } from 'ethers';
import { http, newWorld, sql, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';

/**
 * Issue 3, acceptance 2: three worker processes and one API process on one database and Redis pay 500
 * claims, each once; the treasury's on-chain nonces are contiguous; no claim has more than one mined hash.
 * With batching (issue 13) the three processes' jobs share one lane: each claim rides in exactly one mined
 * payout, and the payouts' nonces are contiguous.
 */
describe('three worker processes and one API process', () => {
  let world: World;
  let provider: JsonRpcProvider;
  const procs: AppProcess[] = [];

  beforeAll(async () => {
    world = newWorld();
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    provider?.destroy();
  });

  it('pay 500 claims once with contiguous nonces', async () => {
    const startNonce = await provider.getTransactionCount(world.treasury, 'latest');
    const [api, ...workers] = await Promise.all([
      spawnApp(world, { ROLE: 'api' }),
      spawnApp(world, { ROLE: 'worker' }),
      spawnApp(world, { ROLE: 'worker' }),
      spawnApp(world, { ROLE: 'worker' }),
    ]);
    procs.push(api!, ...workers);

    const wallets = Array.from({ length: 100 }, () => freshWallet());
    const entitlements: Entitlement[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 500; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const n = i + j;
          const token = n % 4 === 0 ? 'ETH' : 'USDC';
          const wallet = wallets[n % 100]!;
          const r = await http(api!, 'POST', '/v1/claims', { wallet, token, amount: '0.001', reason: `fleet:${n}` });
          expect(r.status).toBe(201);
          entitlements.push({ wallet, token, base: token === 'ETH' ? 10n ** 15n : 1000n });
        }),
      );
    }
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 500,
      240_000,
      '500 claims completed',
      500,
    );
    const seconds = (Date.now() - t0) / 1000;

    // the work spread over the worker processes (a lane's batch is taken by whichever process's job gets there)
    const byWorker = await sql(
      world,
      `SELECT split_part(actor, ':', 3) AS pid, count(*)::int AS n FROM claim_events WHERE to_status = 'submitted' GROUP BY 1`,
    );
    // eslint-disable-next-line no-console
    console.log(`500 claims over 3 workers in ${seconds.toFixed(1)} s (${(500 / seconds).toFixed(1)} claims/s); submitted per worker pid: ${JSON.stringify(byWorker)}`);
    expect(byWorker.length).toBeGreaterThanOrEqual(2);

    // each claim in exactly one mined payout; the treasury's nonces on chain contiguous, one per payout
    const hashes = await sql<{ mined_tx_hash: string; nonce: string }>(world, `SELECT mined_tx_hash, nonce::text FROM payouts WHERE status IN ('confirmed', 'final')`);
    const [carried] = await sql(world, `SELECT count(*)::int AS n, count(DISTINCT c)::int AS distinct_claims FROM payouts p, unnest(p.claim_ids) c WHERE status IN ('confirmed', 'final')`);
    expect(carried).toEqual({ n: 500, distinct_claims: 500 });
    const nonces: number[] = [];
    for (let i = 0; i < hashes.length; i += 50) {
      const txs = await Promise.all(hashes.slice(i, i + 50).map((h) => provider.getTransaction(h.mined_tx_hash)));
      for (const tx of txs) {
        expect(tx!.from).toBe(world.treasury);
        nonces.push(tx!.nonce);
      }
    }
    nonces.sort((a, b) => a - b);
    expect(nonces).toEqual(Array.from({ length: hashes.length }, (_, i) => startNonce + i));
    expect(await provider.getTransactionCount(world.treasury, 'latest')).toBe(startNonce + hashes.length);

    // no claim has more than one mined hash: each claim's payout hashes, at most one with a receipt
    const multi = await sql(world, `SELECT id FROM payouts WHERE cardinality(tx_hashes) > 1`);
    for (const { id } of multi) {
      const [p] = await sql(world, `SELECT tx_hashes FROM payouts WHERE id = $1`, [id]);
      const receipts = await Promise.all((p.tx_hashes as string[]).map((h) => provider.getTransactionReceipt(h)));
      expect(receipts.filter(Boolean)).toHaveLength(1);
    }
    await expectPaidExactlyOnce(world, api!, provider, entitlements);
  });
});
