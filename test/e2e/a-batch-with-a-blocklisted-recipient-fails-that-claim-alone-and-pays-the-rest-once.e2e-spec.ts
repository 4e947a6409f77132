import { Contract, JsonRpcProvider, Wallet, parseEther, toBeHex } from 'ethers';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce } from '../helpers/assertions';
import { balanceOf, freshWallet } from '../helpers/chain';

/**
 * Issue 13 acceptance: "A batch with one blocklisted recipient: that claim `failed` with the reason, all others
 * paid once, trial balance zero." 30 USDC claims to fresh wallets arrive in one bulk request, so the lane takes
 * them into ONE batch-payout call; recipient #7 is on the dev USDC's blocklist (as real USDC has), so that call
 * reverts on chain. Once the revert is final the lane replays it, learns which line failed, fails that claim
 * alone (its lastError carries the token's revert reason) and pays the 29 others once in a new batch. On chain:
 * every other wallet holds exactly its amount, the blocked one nothing; the books balance and equal the chain.
 */
jest.setTimeout(180_000);

const N = 30;
const BLOCKED = 7;

describe('a batch with a blocklisted recipient', () => {
  // one job at a time: the first job's lane takes all 30 (with 5, four jobs would each lease one claim first)
  const t = useWorld({ CLAIM_QUEUE_CONCURRENCY: '1' }, { provider: true });

  it('fails that claim with the revert reason and pays every other claim once', async () => {
    const { world, app, provider } = t;
    const wallets = Array.from({ length: N }, () => freshWallet());
    await blocklist(world.devchain.tokens.USDC!.address, provider, wallets[BLOCKED]!);

    const items = wallets.map((wallet, i) => ({ wallet, token: 'USDC', amount: `0.${String(100 + i).padStart(6, '0')}`, reason: `blocklist-batch:${world.slot}:${i}` }));
    const res = await http(app, 'POST', '/v1/claims/batch', { claims: items });
    expect(res.status).toBe(200);
    const ids: string[] = res.body.items.map((it: { status: number; claim: { id: string } }) => {
      expect(it.status).toBe(201);
      return it.claim.id;
    });
    const blockedId = ids[BLOCKED]!;

    await waitFor(
      async () => {
        const [row] = await sql(world, `SELECT count(*) FILTER (WHERE status IN ('completed','failed'))::int AS done FROM claims`);
        return row.done === N;
      },
      150_000,
      'every claim completed or failed',
      500,
    );

    const blocked = await http(app, 'GET', `/v1/claims/${blockedId}`);
    expect(blocked.body.status).toBe('failed');
    expect(blocked.body.lastError).toMatch(/USDC: recipient is blacklisted/);
    expect(await balanceOf(world, provider, 'USDC', wallets[BLOCKED]!)).toBe(0n);
    const statuses = await sql(world, `SELECT status, count(*)::int AS n FROM claims GROUP BY status ORDER BY status`);
    expect(statuses).toEqual([{ status: 'completed', n: N - 1 }, { status: 'failed', n: 1 }]);

    // the first call carried all 30 and reverted; the 29 went out again without the blocked claim
    const batches = await sql(world, `SELECT status, cardinality(claim_ids)::int AS lines, $1 = ANY(claim_ids) AS has_blocked FROM payouts WHERE kind = 'batch' ORDER BY nonce`, [blockedId]);
    expect(batches[0]).toEqual({ status: 'reverted', lines: N, has_blocked: true });
    expect(batches.filter((b) => b.status !== 'reverted').every((b) => !b.has_blocked)).toBe(true);
    const events = await http(app, 'GET', `/v1/claims/${ids[0]}/events`);
    if (events.body.length !== 8) console.log(JSON.stringify({ events: events.body, payouts: await sql(world, `SELECT kind, status, nonce, cardinality(claim_ids) AS n, last_error FROM payouts ORDER BY nonce`) }, null, 1));
    expect(events.body.map((e: { to: string }) => e.to)).toEqual(['pending', 'processing', 'submitted', 'submitted', 'pending', 'processing', 'submitted', 'completed']);

    const entitlements = items.filter((_, i) => i !== BLOCKED).map((it) => ({ wallet: it.wallet, token: 'USDC', base: BigInt(Math.round(Number(it.amount) * 1e6)) }));
    await expectPaidExactlyOnce(world, app, provider, entitlements, [world.treasury], { unpaidClaimIds: [blockedId] });
    const tb = await http(app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body).toEqual({ currencies: { ETH: '0', USDC: '0' }, balanced: true });
    // the blocked claim's entitlement is reversed: nothing payable is left to it
    const payable = await http(app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`payable:${blocked.body.wallet}:USDC`)}`);
    expect(BigInt(payable.body[0]?.balanceBase ?? '0')).toBe(0n);
  });
});

/** Puts `wallet` on the dev USDC's blocklist from a throwaway account (any caller may, on the dev token). */
async function blocklist(usdcAddress: string, provider: JsonRpcProvider, wallet: string): Promise<void> {
  const caller = Wallet.createRandom().connect(provider);
  await provider.send('hardhat_setBalance', [caller.address, toBeHex(parseEther('1'))]);
  const token = new Contract(usdcAddress, ['function blacklist(address)', 'function isBlacklisted(address) view returns (bool)'], caller);
  await (await token.getFunction('blacklist')(wallet)).wait();
  expect(await token.getFunction('isBlacklisted')(wallet)).toBe(true);
}
