import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';
import { devAccount } from '../../src/platform/chain/dev-accounts';

/**
 * Issue 3, acceptance 8: with the treasury out of USDC, USDC claims wait (pending, never failed, no
 * attempts burnt), readiness stays up and shows the reason; after a top-up they complete, and the top-up
 * is booked as funding so the treasury ledger equals the chain.
 */
describe('claims wait for funds and complete after a top-up', () => {
  let world: World;
  let app: TestApp;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    world = newWorld();
    provider = chainProvider(world);
    // Empty the treasury's USDC before the app knows the signer (its nonces are then read from the chain).
    const treasury = new Wallet(world.treasuryKey, provider);
    const usdc = new Contract(world.devchain.tokens.USDC!.address, ['function transfer(address,uint256) returns (bool)'], treasury);
    const all = await balanceOf(world, provider, 'USDC', world.treasury);
    await (await usdc.getFunction('transfer')(freshWallet(), all)).wait();
    expect(await balanceOf(world, provider, 'USDC', world.treasury)).toBe(0n);
    app = await bootApp(world);
  });
  afterAll(async () => {
    await app?.close();
    provider?.destroy();
  });

  it('waits without failing, shows why, and completes once funded', async () => {
    const usdcClaims = await Promise.all(
      [1, 2, 3].map((i) => http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: `${i}`, reason: `funds:${i}` })),
    );
    const eth = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.01', reason: 'funds:eth' });
    // ETH still flows while USDC waits
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${eth.body.id}`)).body.status === 'completed', 60_000, 'ETH claim completed');

    const waited = await waitFor(
      async () => {
        const views = await Promise.all(usdcClaims.map((c) => http(app, 'GET', `/v1/claims/${c.body.id}`)));
        return views.every((v) => v.body.status === 'pending' && /insufficient USDC/.test(v.body.lastError ?? '')) && views;
      },
      30_000,
      'USDC claims pending with the reason',
    );
    await new Promise((r) => setTimeout(r, 6000)); // a few more retry rounds
    for (const c of usdcClaims) {
      const v = await http(app, 'GET', `/v1/claims/${c.body.id}`);
      expect(v.body.status).toBe('pending');
      expect(v.body.txHash).toBeNull();
    }
    expect(waited).toHaveLength(3);
    const payouts = await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE token = 'USDC'`);
    expect(payouts[0].n).toBe(0); // nothing signed, no nonce spent
    const ready = await http(app, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.status).toBe(200);
    expect(JSON.stringify(ready.body)).toMatch(/insufficient USDC/);

    // Top up from another account (public mint on the dev token): the claims complete.
    const funder = new Wallet(devAccount(39).privateKey, provider);
    const usdc = new Contract(world.devchain.tokens.USDC!.address, ['function mint(address,uint256)'], funder);
    await (await usdc.getFunction('mint')(world.treasury, 10_000_000n)).wait();
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 4,
      60_000,
      'all claims completed after the top-up',
    );
    const entitlements: Entitlement[] = [
      ...usdcClaims.map((c, i) => ({ wallet: c.body.wallet, token: 'USDC', base: BigInt(i + 1) * 1_000_000n })),
      { wallet: eth.body.wallet, token: 'ETH', base: 10n ** 16n },
    ];
    // the top-up is booked as funding from the chain, so the treasury ledger matches the chain again
    await waitFor(
      async () => {
        const r = await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent('equity:funding:USDC')}`);
        return r.body[0]?.balanceBase === '-10000000';
      },
      20_000,
      'the top-up booked as funding',
    );
    await expectPaidExactlyOnce(world, app, provider, entitlements);
    const after = await http(app, 'GET', '/health/ready', undefined, { auth: null });
    expect(JSON.stringify(after.body)).not.toMatch(/insufficient USDC/);
  });
});
