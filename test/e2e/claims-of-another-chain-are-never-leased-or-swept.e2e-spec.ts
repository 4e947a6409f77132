import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';

/**
 * Issue 11, finding 2 (claims side): two deployments on different chains may share one database, so a
 * process leases and sweeps only the claims of its own chain. A claim of another chain keeps its live job
 * here and stays pending for well over a sweep, never leased; a claim from before claims carried a chain
 * (chain_id NULL) is adopted at boot and paid once.
 */
describe('claims of another chain are never leased or swept', () => {
  let world: World;
  let provider: JsonRpcProvider;
  let api: TestApp | undefined;
  let app: TestApp | undefined;

  beforeAll(() => {
    world = newWorld();
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await api?.close();
    await app?.close();
    provider?.destroy();
  });

  it('pays this chain’s claim and the adopted legacy one once, and never touches the other chain’s', async () => {
    api = await bootApp(world, { ROLE: 'api' });
    const claim = async (reason: string) => {
      const wallet = freshWallet();
      const r = await http(api!, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '1.75', reason });
      expect(r.status).toBe(201);
      return { id: r.body.id as string, wallet };
    };
    const own = await claim('chain-scope:own');
    const legacy = await claim('chain-scope:legacy');
    const foreign = await claim('chain-scope:foreign');
    expect((await sql(world, 'SELECT chain_id FROM claims WHERE id = $1', [own.id]))[0].chain_id).toBe(31337);
    await sql(world, 'UPDATE claims SET chain_id = NULL WHERE id = $1', [legacy.id]);
    await sql(world, 'UPDATE claims SET chain_id = 1 WHERE id = $1', [foreign.id]); // another deployment's
    await api.close();
    api = undefined;

    // workers: every claim still has its pay job (enqueued by the API)
    const started = Date.now();
    app = await bootApp(world);
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [[own.id, legacy.id]]))[0].n === 2,
      60_000,
      'this chain’s claims completed',
    );
    expect(await balanceOf(world, provider, 'USDC', own.wallet)).toBe(1_750_000n);
    expect(await balanceOf(world, provider, 'USDC', legacy.wallet)).toBe(1_750_000n);
    expect((await sql(world, 'SELECT chain_id FROM claims WHERE id = $1', [legacy.id]))[0].chain_id).toBe(31337);

    // past the sweeper's 10 s and two more ticks: the other chain's claim was never leased
    await new Promise((r) => setTimeout(r, Math.max(0, 20_000 - (Date.now() - started))));
    const [f] = await sql(world, 'SELECT status, attempts, chain_id, payout_id FROM claims WHERE id = $1', [foreign.id]);
    expect(f).toEqual({ status: 'pending', attempts: 0, chain_id: 1, payout_id: null });
    expect(await sql(world, 'SELECT id FROM payouts WHERE $1 = ANY(claim_ids)', [foreign.id])).toEqual([]);
    expect(await balanceOf(world, provider, 'USDC', foreign.wallet)).toBe(0n);
    const events = (await http(app, 'GET', `/v1/claims/${foreign.id}/events`)).body.map((e: { to: string }) => e.to);
    expect(events).toEqual(['pending']);
  });
});
