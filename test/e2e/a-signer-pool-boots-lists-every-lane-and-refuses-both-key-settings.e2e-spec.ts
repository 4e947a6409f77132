import type { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider } from '../helpers/chain';
import { spawnApp } from '../helpers/process';

interface SignerRow {
  address: string;
  chainId: number;
  role: string;
  nextNonce: number;
  inFlight: number;
  balances?: Record<string, string>;
}

/**
 * Issue 13, signer pool plumbing: TREASURY_PRIVATE_KEYS of three fresh dev accounts boots as three active
 * lanes. Each is registered with its own nonce (GET /v1/admin/signers and /health/ready list them with their
 * own balances), each one's opening balance is booked by its own funding journals so `treasury:<T>` is the
 * sum of the three on-chain balances, and a config setting both TREASURY_PRIVATE_KEY and
 * TREASURY_PRIVATE_KEYS stops boot with one line naming TREASURY_PRIVATE_KEYS.
 */
describe('a signer pool boots, lists every lane and refuses both key settings', () => {
  let world: World;
  let app: TestApp | undefined;
  let provider: JsonRpcProvider | undefined;

  beforeAll(async () => {
    world = newWorld({ signers: 3 });
    app = await bootApp(world);
    provider = chainProvider(world);
  });
  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      provider?.destroy();
    }
  });

  /** ETH and USDC of `address` on chain, as the API writes them (base units, strings). */
  const onChain = async (address: string) => ({
    ETH: (await balanceOf(world, provider!, 'ETH', address)).toString(),
    USDC: (await balanceOf(world, provider!, 'USDC', address)).toString(),
  });

  it('the world is a pool of three distinct dev accounts, handed over as TREASURY_PRIVATE_KEYS only', () => {
    expect(world.treasuries).toHaveLength(3);
    expect(new Set(world.treasuries).size).toBe(3);
    expect(world.env.TREASURY_PRIVATE_KEYS!.split(',')).toEqual(world.treasuryKeys);
    expect(world.env.TREASURY_PRIVATE_KEY).toBeUndefined();
    expect(app!.config.treasuryPrivateKeys.map((k) => k.reveal())).toEqual(world.treasuryKeys);
  });

  it('GET /v1/admin/signers lists the three lanes, in order, as active, each with its own nonce and on-chain balances', async () => {
    const r = await http<SignerRow[]>(app!, 'GET', '/v1/admin/signers', undefined, { auth: 'admin' });
    expect(r.status).toBe(200);
    const expected = [];
    for (const address of world.treasuries) {
      expected.push({
        address,
        chainId: 31337,
        role: 'active',
        nextNonce: await provider!.getTransactionCount(address, 'pending'),
        inFlight: 0,
        balances: await onChain(address),
      });
    }
    expect(r.body).toEqual(expected);
    // fresh accounts: the balances are the dev chain's funding, not zero (so the sum below means something)
    for (const s of r.body) expect(BigInt(s.balances!.USDC!)).toBeGreaterThan(0n);
  });

  it('/health/ready carries the same lanes under signers, and checks the gas of every lane', async () => {
    const r = await http(app!, 'GET', '/health/ready', undefined, { auth: null });
    expect(r.status).toBe(200);
    const signers = r.body.details.signers.signers as SignerRow[];
    expect(signers.map((s) => [s.address, s.role, s.inFlight])).toEqual(world.treasuries.map((a) => [a, 'active', 0]));
    for (const s of signers) expect(s.balances).toEqual(await onChain(s.address));
    expect(r.body.details.signers.orphaned).toEqual([]);
    expect(r.body.details.signer.address).toBe(world.treasuries[0]);
    expect(r.body.details.signer.lanes.map((l: { address: string }) => l.address)).toEqual(world.treasuries);
    expect(r.body.details.signer.low).toEqual([]);
  });

  it("books each lane's opening balance by its own funding journals: treasury:USDC = the sum of the three on-chain balances", async () => {
    const sums: Record<string, bigint> = { ETH: 0n, USDC: 0n };
    for (const a of world.treasuries) for (const t of ['ETH', 'USDC']) sums[t]! += await balanceOf(world, provider!, t, a);
    const booked = async (token: string) => {
      const r = await http(app!, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`treasury:${token}`)}`);
      return r.body[0] ? BigInt(r.body[0].balanceBase) : 0n;
    };
    // the boot books it (or, had the RPC failed then, the chain watcher's next funding sync)
    await waitFor(async () => (await booked('USDC')) === sums.USDC && (await booked('ETH')) === sums.ETH, 30_000, 'treasury:* = the sum of the three lanes');
    expect(await booked('USDC')).toBe(sums.USDC);
    expect(await booked('ETH')).toBe(sums.ETH);

    // one funding journal per signer, each its own balance
    const perSigner = await sql<{ ref: string; currency: string; total: string }>(
      world,
      `SELECT j.ref, p.currency, sum(p.amount)::text AS total
         FROM ledger_journals j JOIN ledger_postings p ON p.journal_id = j.id
        WHERE j.kind LIKE 'funding.%' AND p.account LIKE 'treasury:%'
        GROUP BY j.ref, p.currency ORDER BY j.ref, p.currency`,
    );
    const expected = [];
    for (const a of world.treasuries) {
      const b = await onChain(a);
      expected.push({ ref: a, currency: 'ETH', total: b.ETH }, { ref: a, currency: 'USDC', total: b.USDC });
    }
    const order = (x: { ref: string; currency: string }, y: { ref: string; currency: string }) => x.ref.localeCompare(y.ref) || x.currency.localeCompare(y.currency);
    expect([...perSigner].sort(order)).toEqual(expected.sort(order));
    const tb = await http(app!, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body.balanced).toBe(true);
  });

  it('booting with both TREASURY_PRIVATE_KEY and TREASURY_PRIVATE_KEYS stops with one line naming TREASURY_PRIVATE_KEYS, echoing no key', async () => {
    const proc = await spawnApp(world, { TREASURY_PRIVATE_KEY: world.treasuryKey }, false);
    const code = await Promise.race([proc.exited, new Promise<string>((r) => setTimeout(() => r('still running after 60 s'), 60_000).unref())]);
    if (code === 'still running after 60 s') await proc.kill('SIGKILL');
    expect(code).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^payrail: TREASURY_PRIVATE_KEYS: set together with TREASURY_PRIVATE_KEY; set only one/)]);
    for (const k of world.treasuryKeys) expect(proc.output().toLowerCase()).not.toContain(k.slice(2, 18).toLowerCase());
  });
});
