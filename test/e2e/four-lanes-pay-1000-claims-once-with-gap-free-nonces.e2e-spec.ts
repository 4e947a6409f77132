import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';

/**
 * Issue 13 acceptance: "4 lanes, 1,000 claims: nonces gap-free per signer on chain, each claim paid once, ledger
 * equal to the chain." A pool of four keys (TREASURY_PRIVATE_KEYS) and BATCH_MAX=50, so the claims spread over
 * the lanes in many batches: 1,000 USDC and ETH claims to 50 fresh wallets arrive in one bulk request. Every
 * lane signs; each lane's payouts hold the nonces from its first to the chain's count with no gap and no
 * repeat; every claim rides in exactly one mined payout; each wallet holds exactly its entitlement; the books
 * balance and `treasury:*` equals the four lanes' balances on chain.
 */
jest.setTimeout(300_000);

const N = 1000;

describe('four signer lanes pay 1,000 claims', () => {
  let world: World;
  let app: TestApp;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    world = newWorld({ signers: 4 });
    app = await bootApp(world, { BATCH_MAX: '50', MAX_INFLIGHT_PER_SIGNER: '4' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await app?.close();
    provider?.destroy();
  });

  it('pays each claim once, every lane signing with gap-free nonces, the ledger equal to the chain', async () => {
    const startNonces = await Promise.all(world.treasuries.map((a) => provider.getTransactionCount(a, 'latest')));
    const wallets = Array.from({ length: 50 }, () => freshWallet());
    const entitlements: Entitlement[] = [];
    const items = Array.from({ length: N }, (_, i) => {
      const token = i % 5 === 0 ? 'ETH' : 'USDC';
      const wallet = wallets[i % 50]!;
      const units = BigInt((i % 7) + 1);
      entitlements.push({ wallet, token, base: units * (token === 'ETH' ? 10n ** 13n : 10n ** 2n) });
      return { wallet, token, amount: token === 'ETH' ? `0.0000${units}` : `0.000${units}`, reason: `four-lanes:${world.slot}:${i}` };
    });
    const res = await http(app, 'POST', '/v1/claims/batch', { claims: items });
    expect(res.status).toBe(200);
    expect(res.body.items.filter((it: { status: number }) => it.status === 201)).toHaveLength(N);

    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === N,
      240_000,
      `${N} claims completed`,
      500,
    );

    const perLane = await sql(
      world,
      `SELECT signer, count(*)::int AS payouts, min(nonce)::int AS lo, max(nonce)::int AS hi, count(DISTINCT nonce)::int AS distinct_nonces,
              count(*) FILTER (WHERE kind = 'batch')::int AS batches
         FROM payouts WHERE status IN ('confirmed','final') GROUP BY signer`,
    );
    // eslint-disable-next-line no-console
    console.log(`four lanes: ${JSON.stringify(perLane)}`);
    expect(perLane.map((l) => l.signer).sort()).toEqual([...world.treasuries].sort());
    for (const [i, address] of world.treasuries.entries()) {
      const lane = perLane.find((l) => l.signer === address)!;
      const onChain = await provider.getTransactionCount(address, 'latest');
      // gap-free: the lane's mined payouts are exactly the nonces from its start to the chain's count
      expect({ address, lo: lane.lo, hi: lane.hi, distinct: lane.distinct_nonces, payouts: lane.payouts }).toEqual({
        address,
        lo: startNonces[i],
        hi: onChain - 1,
        distinct: onChain - startNonces[i]!,
        payouts: onChain - startNonces[i]!,
      });
    }
    const [nothingElse] = await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE status NOT IN ('confirmed','final')`);
    expect(nothingElse.n).toBe(0);
    await expectPaidExactlyOnce(world, app, provider, entitlements, world.treasuries);
  });
});
