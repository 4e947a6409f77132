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
  /** every signer key that paid (key rotation); the treasury accounts equal the sum of their balances */
  signers: string[] = [world.treasury],
  /** claims that must NOT have been paid (failed on chain): excluded from the one-confirmed-payout check */
  opts: { unpaidClaimIds?: string[] } = {},
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
    `SELECT c.id, count(p.id) FILTER (WHERE p.status IN ('confirmed', 'final'))::int AS confirmed
       FROM claims c LEFT JOIN payouts p ON c.id = ANY(p.claim_ids) WHERE NOT (c.id = ANY($1::uuid[])) GROUP BY c.id
     HAVING count(p.id) FILTER (WHERE p.status IN ('confirmed', 'final')) <> 1`,
    [opts.unpaidClaimIds ?? []],
  );
  if (opts.unpaidClaimIds?.length) {
    const paid = await sql(world, `SELECT p.id FROM payouts p WHERE p.claim_ids && $1::uuid[] AND p.status IN ('confirmed', 'final')`, [opts.unpaidClaimIds]);
    expect(paid).toEqual([]);
  }
  expect(perClaim).toEqual([]);
  const tb = await http(api, 'GET', '/v1/ledger/trial-balance');
  expect(tb.body.balanced).toBe(true);
  for (const token of ['USDC', 'ETH']) {
    const treasury = await http(api, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`treasury:${token}`)}`);
    let onChain = 0n;
    for (const s of signers) onChain += await balanceOf(world, provider, token, s);
    expect({ token, booked: BigInt(treasury.body[0].balanceBase) }).toEqual({ token, booked: onChain });
  }
  for (const s of signers) {
    const signer = await sql(world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [s]);
    expect({ signer: s, next: signer[0].n }).toEqual({ signer: s, next: await provider.getTransactionCount(s, 'latest') });
  }
}
