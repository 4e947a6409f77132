import { JsonRpcProvider, parseUnits } from 'ethers';
import { devAccount } from '../../src/platform/chain/dev-accounts';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';
import { onPrivateChain, PrivateChain, startPrivateChain } from '../helpers/private-chain';

const gwei = (n: number) => '0x' + parseUnits(String(n), 'gwei').toString(16);

/**
 * Issue 11, finding 1: key rotation must never pay twice. Payouts signed with key A are stuck (the base fee
 * is held far above their max fee); the app restarts with key B active. Before the fix, the "replacement" of
 * an A payout was signed with B: a second transfer from another account, and both mined once the fee
 * dropped. Now:
 *  - with A in RETIRED_TREASURY_KEYS, A's payouts are replaced with A's key (same nonce), and B sends nothing;
 *  - with A not loaded at all, they are never re-signed, reported `orphaned` (GET /v1/admin/signers and
 *    /health/ready), and settle when the fee drops.
 * Either way every claim is paid exactly once on chain. A private dev chain: the base fee is chain-wide.
 */
describe('key rotation replaces old payouts with the old key and pays once', () => {
  let chain: PrivateChain;
  let provider: JsonRpcProvider;
  let pump: NodeJS.Timeout | null = null;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    chain = await startPrivateChain();
    provider = chain.provider;
  });
  afterAll(async () => {
    if (pump) clearInterval(pump);
    for (const a of apps) await a.close().catch(() => undefined);
    await chain?.stop();
  });

  /** A world on the private chain whose treasury is dev account `a` (every account is funded there). */
  function worldOn(a: number): World {
    const world = onPrivateChain(newWorld(), chain);
    const key = devAccount(a);
    return { ...world, treasury: key.address, treasuryKey: key.privateKey, env: { ...world.env, TREASURY_PRIVATE_KEY: key.privateKey } };
  }

  async function boot(world: World, env: Record<string, string>): Promise<TestApp> {
    const app = await bootApp(world, { CONFIRM_POLL_MS: '200', ...env });
    apps.push(app);
    return app;
  }

  /** Payouts signed with the world's key (A), sent while no block is mined, then held under a high base fee. */
  async function stuckPayouts(world: World): Promise<{ ids: string[]; entitlements: Entitlement[] }> {
    // A signs at a low fee (ethers reads the latest block's base fee), and nothing mines meanwhile
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(1)]);
    await provider.send('evm_mine', []);
    await provider.send('evm_setIntervalMining', [0]);
    const appA = await boot(world, { STUCK_AFTER_BLOCKS: '10000' });
    const ids: string[] = [];
    const entitlements: Entitlement[] = [];
    for (let i = 0; i < 3; i++) {
      const wallet = freshWallet();
      const token = i === 1 ? 'ETH' : 'USDC';
      const r = await http(appA, 'POST', '/v1/claims', { wallet, token, amount: '0.5', reason: `rotation:${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
      entitlements.push({ wallet, token, base: token === 'ETH' ? 5n * 10n ** 17n : 500_000n });
    }
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE broadcast_at IS NOT NULL`))[0].n === 3,
      30_000,
      "3 payouts signed with A and sent",
    );
    await appA.close();
    apps.splice(apps.indexOf(appA), 1);
    // every block from now on has a base fee of 200 gwei: A's transactions (about 2 gwei) cannot be mined
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(200)]);
    pump = setInterval(() => void provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(200)]).catch(() => undefined), 100);
    await provider.send('evm_setIntervalMining', [500]);
    const start = await provider.getBlockNumber();
    await waitFor(async () => (await provider.getBlockNumber()) >= start + 2, 10_000, 'two blocks under the high base fee');
    const mined = await sql(world, `SELECT tx_hashes FROM payouts`);
    for (const p of mined) expect(await provider.getTransactionReceipt(p.tx_hashes[0])).toBeNull();
    return { ids, entitlements };
  }

  async function releaseFee(): Promise<void> {
    if (pump) clearInterval(pump);
    pump = null;
    await new Promise((r) => setTimeout(r, 150));
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(1)]);
  }

  const completed = async (world: World, ids: string[]) =>
    (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n;

  it('with A retired, A replaces its own payouts; B signs nothing; each claim is paid once', async () => {
    const world = worldOn(10);
    const a = devAccount(10).address;
    const b = devAccount(11);
    const { ids, entitlements } = await stuckPayouts(world);

    const appB = await boot(world, { TREASURY_PRIVATE_KEY: b.privateKey, RETIRED_TREASURY_KEYS: devAccount(10).privateKey, STUCK_AFTER_BLOCKS: '2', MAX_FEE_GWEI: '50' });
    const signers = await http(appB, 'GET', '/v1/admin/signers', undefined, { auth: 'admin' });
    expect(signers.status).toBe(200);
    expect(signers.body.map((s: { address: string; role: string; inFlight: number }) => [s.address, s.role, s.inFlight])).toEqual([
      [b.address, 'active', 0],
      [a, 'retired', 3],
    ]);
    // the signer's next nonce to mine is the stuck one (the others wait behind it): it gets a replacement,
    // and every replacement comes from A with the payout's own nonce
    const replaced = await waitFor(
      async () => {
        const rows = await sql(world, `SELECT nonce::int AS nonce, tx_hashes FROM payouts ORDER BY nonce`);
        return rows[0]!.tx_hashes.length >= 2 && rows;
      },
      30_000,
      'the stuck payout replaced',
    );
    for (const p of replaced) {
      for (const hash of p.tx_hashes.slice(1)) {
        const tx = await provider.getTransaction(hash);
        expect({ from: tx?.from, nonce: tx?.nonce }).toEqual({ from: a, nonce: p.nonce });
      }
    }
    expect(await provider.getTransactionCount(b.address, 'pending')).toBe(0); // B signed nothing

    await releaseFee();
    await waitFor(async () => (await completed(world, ids)) === 3, 60_000, 'all claims completed after the fee dropped');
    expect(await provider.getTransactionCount(b.address, 'latest')).toBe(0);
    await expectPaidExactlyOnce(world, appB, provider, entitlements, [a, b.address]);
  });

  it('with A not loaded, its payouts are never re-signed, reported orphaned, and paid once when the fee drops', async () => {
    const world = worldOn(12);
    const a = devAccount(12).address;
    const b = devAccount(13);
    const { ids, entitlements } = await stuckPayouts(world);

    const appB = await boot(world, { TREASURY_PRIVATE_KEY: b.privateKey, STUCK_AFTER_BLOCKS: '2', MAX_FEE_GWEI: '50' });
    const start = await provider.getBlockNumber();
    await waitFor(async () => (await provider.getBlockNumber()) >= start + 8, 20_000, '8 blocks (a replacement would be due 4 times over)');
    const rows = await sql(world, `SELECT tx_hashes FROM payouts`);
    expect(rows.map((r) => r.tx_hashes.length)).toEqual([1, 1, 1]); // never re-signed
    expect(await provider.getTransactionCount(b.address, 'pending')).toBe(0);

    const signers = await http(appB, 'GET', '/v1/admin/signers', undefined, { auth: 'admin' });
    expect(signers.body).toEqual(expect.arrayContaining([expect.objectContaining({ address: a, role: 'orphaned', inFlight: 3 })]));
    const ready = await http(appB, 'GET', '/health/ready', undefined, { auth: null });
    expect(ready.body.details.signers.orphaned).toEqual([a]);

    await releaseFee();
    await waitFor(async () => (await completed(world, ids)) === 3, 60_000, 'all claims completed after the fee dropped');
    await expectPaidExactlyOnce(world, appB, provider, entitlements, [a, b.address]);
  });
});
