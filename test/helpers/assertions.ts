import { JsonRpcProvider } from 'ethers';
import { http, sql, World } from './app';
import { balanceOf } from './chain';

export interface Entitlement {
  wallet: string;
  token: string;
  base: bigint;
}

/**
 * The exactly-once check after a run: every listed wallet holds exactly the sum of its entitlements on
 * chain, each claim has exactly one confirmed payout, the books balance and the treasury accounts equal
 * the chain (USDC and ETH, gas included), and the signer's next nonce equals the chain's.
 */
export async function expectPaidExactlyOnce(
  world: World,
  api: { url: string },
  provider: JsonRpcProvider,
  entitlements: Entitlement[],
): Promise<void> {
  const byWalletToken = new Map<string, bigint>();
  for (const e of entitlements) {
    const k = `${e.wallet}|${e.token}`;
    byWalletToken.set(k, (byWalletToken.get(k) ?? 0n) + e.base);
  }
  for (const [k, expected] of byWalletToken) {
    const [wallet, token] = k.split('|') as [string, string];
    expect({ wallet, token, balance: await balanceOf(world, provider, token, wallet) }).toEqual({ wallet, token, balance: expected });
  }
  const perClaim = await sql(
    world,
    `SELECT c.id, count(p.id) FILTER (WHERE p.status = 'confirmed')::int AS confirmed
       FROM claims c LEFT JOIN payouts p ON c.id = ANY(p.claim_ids) GROUP BY c.id HAVING count(p.id) FILTER (WHERE p.status = 'confirmed') <> 1`,
  );
  expect(perClaim).toEqual([]);
  const tb = await http(api, 'GET', '/v1/ledger/trial-balance');
  expect(tb.body.balanced).toBe(true);
  const treasury = await http(api, 'GET', `/v1/ledger/balances?account=${encodeURIComponent('treasury:USDC')}`);
  expect(BigInt(treasury.body[0].balanceBase)).toBe(await balanceOf(world, provider, 'USDC', world.treasury));
  const treasuryEth = await http(api, 'GET', `/v1/ledger/balances?account=${encodeURIComponent('treasury:ETH')}`);
  expect(BigInt(treasuryEth.body[0].balanceBase)).toBe(await balanceOf(world, provider, 'ETH', world.treasury));
  const signer = await sql(world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [world.treasury]);
  expect(signer[0].n).toBe(await provider.getTransactionCount(world.treasury, 'latest'));
}
