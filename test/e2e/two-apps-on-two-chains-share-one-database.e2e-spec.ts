import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';
import { onPrivateChain, PrivateChain, startPrivateChain } from '../helpers/private-chain';

/**
 * Issue 11, finding 2: two deployments on two chains share one database (same treasury key on both). Each
 * process watches, settles, sweeps and leases only its own chain's payouts and claims. Before the fix the
 * watcher read every chain's in-flight payouts and asked its own RPC for the drop proof: the chain-1337 app
 * saw the chain-31337 payouts unmined with their nonces consumed (its own chain's nonce was higher) and
 * re-paid their claims.
 */
describe('two apps on two chains share one database', () => {
  let world: World;
  let local: TestApp;
  let remote: TestApp;
  let provider: JsonRpcProvider;
  let remoteProvider: JsonRpcProvider;
  let chain: PrivateChain;

  beforeAll(async () => {
    chain = await startPrivateChain({ chainId: 1337 });
    remoteProvider = chain.provider;
    world = newWorld();
    // one payout per claim (BATCH_MAX=1), so the test can tell each claim's payout and chain apart
    local = await bootApp(world, { BATCH_MAX: '1' });
    // the same database and treasury key, another chain (and its own queues)
    remote = await bootApp(onPrivateChain(world, chain), { QUEUE_PREFIX: `${world.env.QUEUE_PREFIX}r`, BATCH_MAX: '1' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await local?.close();
    await remote?.close();
    provider?.destroy();
    await chain?.stop();
  });

  async function pay(app: TestApp, n: number, tag: string): Promise<{ id: string; wallet: string }[]> {
    const out: { id: string; wallet: string }[] = [];
    for (let i = 0; i < n; i++) {
      const wallet = freshWallet();
      const r = await http(app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '0.2', reason: `two-chains:${tag}:${i}` });
      expect(r.status).toBe(201);
      out.push({ id: r.body.id, wallet });
    }
    return out;
  }

  const statusOf = async (ids: string[]) => (await sql(world, `SELECT status FROM claims WHERE id = ANY($1)`, [ids])).map((r) => r.status);

  it('each pays and settles only its own chain', async () => {
    // the remote chain's signer gets ahead: nonces 0..4 there
    const remoteClaims = await pay(remote, 5, 'remote');
    await waitFor(async () => (await statusOf(remoteClaims.map((c) => c.id))).every((s) => s === 'completed'), 60_000, 'remote claims completed');
    // the local chain's payouts use lower nonces of the same address on another chain
    const localClaims = await pay(local, 2, 'local');
    await waitFor(async () => (await statusOf(localClaims.map((c) => c.id))).every((s) => s === 'completed'), 60_000, 'local claims completed');
    // let both watchers and sweepers run over each other's rows for a while
    const start = await remoteProvider.getBlockNumber();
    await waitFor(async () => (await remoteProvider.getBlockNumber()) >= start + 10, 30_000, '10 more blocks');

    const payouts = await sql(world, `SELECT chain_id, status, claim_ids, mined_tx_hash FROM payouts ORDER BY created_at`);
    expect(payouts.filter((p) => p.status === 'dropped')).toEqual([]);
    expect(payouts).toHaveLength(7); // one payout per claim, none re-issued
    const chainOf = (claimId: string) => payouts.find((p) => p.claim_ids.includes(claimId))!.chain_id;
    for (const c of remoteClaims) expect(chainOf(c.id)).toBe(1337);
    for (const c of localClaims) expect(chainOf(c.id)).toBe(31337);
    const claims = await sql(world, `SELECT id, chain_id FROM claims WHERE id = ANY($1)`, [[...remoteClaims, ...localClaims].map((c) => c.id)]);
    for (const c of claims) expect(c.chain_id).toBe(remoteClaims.some((r) => r.id === c.id) ? 1337 : 31337);
    // on chain: each wallet paid once, on its own chain only
    for (const c of remoteClaims) {
      expect(await balanceOf(world, remoteProvider, 'USDC', c.wallet)).toBe(200_000n);
      expect(await balanceOf(world, provider, 'USDC', c.wallet)).toBe(0n);
    }
    for (const c of localClaims) {
      expect(await balanceOf(world, provider, 'USDC', c.wallet)).toBe(200_000n);
      expect(await balanceOf(world, remoteProvider, 'USDC', c.wallet)).toBe(0n);
    }
    const signers = await sql(world, `SELECT chain_id, next_nonce::int AS next FROM signers WHERE address = $1 ORDER BY chain_id`, [world.treasury]);
    expect(signers).toEqual([
      { chain_id: 1337, next: await remoteProvider.getTransactionCount(world.treasury, 'latest') },
      { chain_id: 31337, next: await provider.getTransactionCount(world.treasury, 'latest') },
    ]);
    expect((await http(local, 'GET', '/v1/ledger/trial-balance')).body.balanced).toBe(true);
  });
});
