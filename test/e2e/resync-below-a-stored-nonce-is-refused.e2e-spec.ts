import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { RpcProxy } from '../chaos/rpc-proxy';

/**
 * Issue 11, finding 7: a forced nonce resync must never set `next_nonce` below a stored payout's nonce (every
 * new payout would hit the unique (signer, chain, nonce) constraint and hand the same nonce back: the signer
 * stalls). A payout the node does not have yet (held back by the proxy) leaves the chain's pending nonce at
 * its own nonce: the forced resync is a 409 naming that payout, the allocation is unchanged, and claims
 * made afterwards are paid once.
 */
describe('resync below a stored nonce is refused', () => {
  let world: World;
  let proxy: RpcProxy;
  let app: TestApp;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    world = newWorld();
    proxy = new RpcProxy(world.rpcUrl);
    const url = await proxy.start();
    app = await bootApp(world, { CHAIN_RPC_URL: url, STUCK_AFTER_BLOCKS: '1000' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    provider?.destroy();
  });

  const nextNonce = async () => (await sql(world, `SELECT next_nonce::int AS n FROM signers WHERE address = $1`, [world.treasury]))[0].n as number;

  it('answers 409 naming the payout, leaves the allocation unchanged, and later claims still pay', async () => {
    const first = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.01', reason: 'resync:first' });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${first.body.id}`)).body.status === 'completed', 30_000, 'first claim completed');

    // the next payout is acknowledged but reaches the node only ~20 blocks later: the chain's pending nonce is its nonce
    proxy.withholdNext(1, 20);
    const held = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.25', reason: 'resync:held' });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${held.body.id}`)).body.status === 'submitted', 20_000, 'claim submitted');
    const [payout] = await sql(world, `SELECT id, nonce::int AS nonce FROM payouts WHERE $1 = ANY(claim_ids)`, [held.body.id]);
    expect(await provider.getTransactionCount(world.treasury, 'pending')).toBe(payout.nonce);
    const before = await nextNonce();
    expect(before).toBe(payout.nonce + 1);

    const refused = await http(app, 'POST', `/v1/admin/signers/${world.treasury}/resync-nonce`, { force: true }, { auth: 'admin' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toEqual(
      expect.objectContaining({ status: 409, code: 'SIGNER.NONCE_HELD', type: 'https://payrail.dev/problems/signer-nonce-held' }),
    );
    expect(refused.body.detail).toContain(`payout ${payout.id}`);
    expect(refused.body.detail).toContain(`nonce ${payout.nonce}`);
    expect(await nextNonce()).toBe(before); // allocation unchanged
    // without force, in-flight payouts still refuse it first
    const unforced = await http(app, 'POST', `/v1/admin/signers/${world.treasury}/resync-nonce`, {}, { auth: 'admin' });
    expect(unforced.status).toBe(409);
    expect(unforced.body.code).toBe('SIGNER.IN_FLIGHT');

    // a claim made after the refusal gets the next nonce and is paid; the held one is paid once it is released
    const later = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.02', reason: 'resync:later' });
    for (const c of [held, later]) {
      await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c.body.id}`)).body.status === 'completed', 60_000, `claim ${c.body.reason} completed`);
    }
    const [laterPayout] = await sql(world, `SELECT nonce::int AS nonce FROM payouts WHERE $1 = ANY(claim_ids)`, [later.body.id]);
    expect(laterPayout.nonce).toBe(payout.nonce + 1);
    const all = await sql(world, `SELECT wallet, token, amount_base::text AS base FROM claims`);
    expect(all).toHaveLength(3);
    await waitFor(
      async () => (await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent('treasury:ETH')}`)).body[0]?.balanceBase === (await provider.getBalance(world.treasury)).toString(),
      15_000,
      'treasury:ETH equal to the chain',
    );
    await expectPaidExactlyOnce(world, app, provider, all.map((a) => ({ wallet: a.wallet, token: a.token, base: BigInt(a.base) })));
  });
});
