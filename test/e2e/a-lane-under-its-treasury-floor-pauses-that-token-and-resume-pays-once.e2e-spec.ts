import { Contract, formatUnits, JsonRpcProvider, parseEther, toBeHex, Wallet } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';

/**
 * Issue 14, the breaker (API.md "Treasury controls", reason `floor`): with TREASURY_FLOOR set, a lane whose
 * balance of a token (after its payouts not mined yet) falls under the floor pauses that token's payouts
 * within seconds (actor `breaker`), whether its own payouts took it there or money left behind Payrail's back.
 * While paused nothing of that token is signed (claims wait `pending`), other tokens still pay, /health/ready
 * and payrail_payouts_paused{reason="floor"} show it. It never resumes by itself; an admin resume is refused
 * (409 PAYOUT.CAUSE_PRESENT) while a lane is still under the floor, and after a top-up it pays what waited, once.
 */
jest.setTimeout(180_000);

type PauseRow = { token: string; reason: string; actor: string };
const pauses = async (world: World) => (await sql(world, `SELECT token, reason, actor FROM payout_pauses ORDER BY token, reason`)) as PauseRow[];
const statusOf = async (world: World, ids: string[]) =>
  await sql(world, `SELECT status, count(*)::int AS n FROM claims WHERE id = ANY($1) GROUP BY status ORDER BY status`, [ids]);
const allCompleted = async (world: World, ids: string[]) => {
  const s = await statusOf(world, ids);
  return s.length === 1 && s[0].status === 'completed';
};

/** The funding sync has booked what the lanes hold of `token` (a top-up or a drain behind Payrail's back). */
async function booked(world: World, app: TestApp, provider: JsonRpcProvider, token: string): Promise<boolean> {
  const r = await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`treasury:${token}`)}`);
  let onChain = 0n;
  for (const s of world.treasuries) onChain += await balanceOf(world, provider, token, s);
  return BigInt(r.body[0]?.balanceBase ?? -1) === onChain;
}

/** A claim through the API (201), remembered as an entitlement. */
async function claim(app: TestApp, entitlements: Entitlement[], token: string, amount: string, base: bigint, tag: string): Promise<string> {
  const wallet = freshWallet();
  const r = await http(app, 'POST', '/v1/claims', { wallet, token, amount, reason: `floor:${tag}:${wallet}` });
  expect(r.status).toBe(201); // intake keeps accepting while paused
  entitlements.push({ wallet, token, base });
  return r.body.id as string;
}

describe('the floor breaker', () => {
  describe('its own payouts take the lane under the USDC floor', () => {
    let world: World;
    let app: TestApp;
    let provider: JsonRpcProvider;

    beforeAll(async () => {
      world = newWorld();
      provider = chainProvider(world);
      // the floor 3 USDC under what the fresh lane holds: a 1 USDC claim stays above it, 2.5 more cross it
      const held = await balanceOf(world, provider, 'USDC', world.treasury);
      app = await bootApp(world, { TREASURY_FLOOR: `USDC:${formatUnits(held - 3_000_000n, 6)}` });
    });
    afterAll(async () => {
      await app?.close();
      provider?.destroy();
    });

    it('pauses USDC once a payout crosses the floor, signs nothing of USDC meanwhile, refuses resume until topped up, then pays once', async () => {
      const entitlements: Entitlement[] = [];
      const above = await claim(app, entitlements, 'USDC', '1', 1_000_000n, 'above');
      await waitFor(async () => allCompleted(world, [above]), 30_000, 'the claim above the floor paid');
      await new Promise((r) => setTimeout(r, 4000)); // more than one funding tick: above the floor nothing trips
      expect(await pauses(world)).toEqual([]);

      const t0 = Date.now();
      const crossing = await claim(app, entitlements, 'USDC', '2.5', 2_500_000n, 'crossing');
      await waitFor(async () => allCompleted(world, [crossing]), 30_000, 'the crossing claim paid (a tripwire, not a reserve)');
      await waitFor(async () => (await pauses(world)).length > 0, 20_000, 'USDC payouts paused by the floor breaker');
      // eslint-disable-next-line no-console
      console.log(`floor breaker: USDC payouts paused ${((Date.now() - t0) / 1000).toFixed(1)} s after the crossing claim was posted`);
      expect(await pauses(world)).toEqual([{ token: 'USDC', reason: 'floor', actor: 'breaker' }]);

      const signedUsdc = async () => (await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE token = 'USDC'`))[0].n as number;
      const before = await signedUsdc();
      const waiting = await Promise.all([1, 2, 3].map((i) => claim(app, entitlements, 'USDC', `0.${i}`, BigInt(i) * 100_000n, 'waiting')));
      const eth = await claim(app, entitlements, 'ETH', '0.001', 10n ** 15n, 'eth');
      await waitFor(async () => allCompleted(world, [eth]), 30_000, 'ETH still paid');
      await new Promise((r) => setTimeout(r, 3000)); // several blocks and pay attempts while paused
      expect(await statusOf(world, waiting)).toEqual([{ status: 'pending', n: 3 }]);
      expect(await signedUsdc()).toBe(before); // nothing of USDC signed while paused

      const ready = await http(app, 'GET', '/health/ready', undefined, { auth: null });
      expect(ready.body.details.treasury.paused).toEqual([expect.objectContaining({ token: 'USDC', reason: 'floor' })]);
      expect(String((await http(app, 'GET', '/metrics', undefined, { auth: null })).body)).toMatch(/payrail_payouts_paused\{token="USDC",reason="floor"\} 1/);

      // the cause is still there: resume is refused, nothing lifted, nothing signed
      const refused = await http(app, 'POST', '/v1/admin/payouts/resume', { token: 'USDC' }, { auth: 'admin' });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('PAYOUT.CAUSE_PRESENT');
      expect(refused.body.detail).toMatch(/floor: lane 0x[0-9a-fA-F]{40} holds .* USDC .* under TREASURY_FLOOR/);
      expect((await http(app, 'POST', '/v1/admin/payouts/resume', {}, { auth: 'admin' })).status).toBe(409); // resume-all too
      expect(await pauses(world)).toEqual([{ token: 'USDC', reason: 'floor', actor: 'breaker' }]);

      // topped up: it stays paused (resume is an admin act) ...
      const funder = Wallet.createRandom().connect(provider);
      await provider.send('hardhat_setBalance', [funder.address, toBeHex(parseEther('1'))]);
      const usdc = new Contract(world.devchain.tokens.USDC!.address, ['function mint(address,uint256)'], funder);
      await (await usdc.getFunction('mint')(world.treasury, 10_000_000n)).wait();
      await new Promise((r) => setTimeout(r, 3500));
      expect(await pauses(world)).toEqual([{ token: 'USDC', reason: 'floor', actor: 'breaker' }]);
      expect(await statusOf(world, waiting)).toEqual([{ status: 'pending', n: 3 }]);

      // ... until an admin resumes: every waiting claim paid once
      const resumed = await http(app, 'POST', '/v1/admin/payouts/resume', { token: 'USDC' }, { auth: 'admin' });
      expect(resumed.status).toBe(200);
      expect(resumed.body.paused).toEqual([]);
      await waitFor(async () => allCompleted(world, waiting), 60_000, 'the waiting USDC claims paid after resume');
      await waitFor(async () => booked(world, app, provider, 'USDC'), 20_000, 'the top-up booked');
      await expectPaidExactlyOnce(world, app, provider, entitlements);
      expect(await pauses(world)).toEqual([]);
    });
  });

  describe('one lane of two drained of ETH behind Payrail\'s back', () => {
    let world: World;
    let app: TestApp;
    let provider: JsonRpcProvider;

    beforeAll(async () => {
      world = newWorld({ signers: 2 });
      provider = chainProvider(world);
      app = await bootApp(world, { TREASURY_FLOOR: 'ETH:5' });
    });
    afterAll(async () => {
      await app?.close();
      provider?.destroy();
    });

    it('pauses ETH for every lane; USDC still pays; resume once refunded pays once', async () => {
      const lane = world.treasuries[1]!;
      const held = await provider.getBalance(lane);
      expect(held).toBeGreaterThan(parseEther('5'));
      await new Promise((r) => setTimeout(r, 3500));
      expect(await pauses(world)).toEqual([]); // both lanes above the floor

      await provider.send('hardhat_setBalance', [lane, toBeHex(parseEther('1'))]);
      await waitFor(async () => (await pauses(world)).length > 0, 20_000, 'ETH payouts paused by the floor breaker');
      expect(await pauses(world)).toEqual([{ token: 'ETH', reason: 'floor', actor: 'breaker' }]);

      const entitlements: Entitlement[] = [];
      const eth = await Promise.all([1, 2].map((i) => claim(app, entitlements, 'ETH', `0.00${i}`, BigInt(i) * 10n ** 15n, 'eth')));
      const usdc = await claim(app, entitlements, 'USDC', '0.5', 500_000n, 'usdc');
      await waitFor(async () => allCompleted(world, [usdc]), 30_000, 'USDC still paid');
      await new Promise((r) => setTimeout(r, 2500));
      expect(await statusOf(world, eth)).toEqual([{ status: 'pending', n: 2 }]);
      expect((await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE claim_ids && $1::uuid[]`, [eth]))[0].n).toBe(0);
      expect((await http(app, 'POST', '/v1/admin/payouts/resume', { token: 'ETH' }, { auth: 'admin' })).status).toBe(409);

      await provider.send('hardhat_setBalance', [lane, toBeHex(held)]);
      // the next head the node serves carries the refund; resume goes through once it is read
      await waitFor(async () => (await http(app, 'POST', '/v1/admin/payouts/resume', { token: 'ETH' }, { auth: 'admin' })).status === 200, 15_000, 'resume accepted once refunded');
      await waitFor(async () => allCompleted(world, eth), 60_000, 'the ETH claims paid after resume');
      await waitFor(async () => booked(world, app, provider, 'ETH'), 20_000, 'the drain and the refund booked');
      await expectPaidExactlyOnce(world, app, provider, entitlements, world.treasuries);
    });
  });
});
