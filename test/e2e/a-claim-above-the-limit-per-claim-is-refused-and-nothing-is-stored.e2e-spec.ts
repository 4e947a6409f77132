import { Wallet } from 'ethers';
import { SIGNED_CLAIM_TYPES } from '../../src/modules/claims/commands/create-signed-claim/signed-claim.eip712';
import { http, sql, useWorld } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 14, limits (API.md "Treasury controls"): with LIMIT_PER_CLAIM=USDC:100,ETH:0.5 a claim above its token's
 * limit is a 422 CLAIM.OVER_LIMIT problem naming `amount`, and nothing is stored (no claim, no journal, no audit
 * event), on every way in: POST /v1/claims, an item of POST /v1/claims/batch (its own 422, the other items
 * created), and an issuer's signed voucher. A claim exactly at the limit is created; a token without a limit
 * has none.
 */
const issuer = Wallet.createRandom();

describe('LIMIT_PER_CLAIM', () => {
  const t = useWorld({ ROLE: 'api', LIMIT_PER_CLAIM: 'USDC:100,ETH:0.5', ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS: issuer.address });

  const stored = async () => {
    const [row] = await sql(
      t.world,
      `SELECT (SELECT count(*)::int FROM claims) AS claims, (SELECT count(*)::int FROM ledger_journals) AS journals,
              (SELECT count(*)::int FROM claim_events) AS events`,
    );
    return row as { claims: number; journals: number; events: number };
  };

  it('refuses a single claim above the limit with 422 and stores nothing; at the limit it is created', async () => {
    const before = await stored();
    for (const [token, amount] of [['USDC', '100.000001'], ['ETH', '0.500000000000000001'], ['USDC', '5000']] as const) {
      const r = await http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token, amount, reason: `over:${token}:${amount}` });
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 422, code: 'CLAIM.OVER_LIMIT' });
      expect(r.body.detail).toContain(token === 'USDC' ? '100 USDC' : '0.5 ETH');
    }
    expect(await stored()).toEqual(before);
    const at = await http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '100', reason: 'at-the-limit' });
    expect(at.status).toBe(201);
    expect((await stored()).claims).toBe(before.claims + 1);
  });

  it('answers 422 for the item over the limit in a bulk request and creates the others', async () => {
    const before = await stored();
    const items = [
      { wallet: freshWallet(), token: 'USDC', amount: '1', reason: 'bulk-ok-1' },
      { wallet: freshWallet(), token: 'USDC', amount: '100.5', reason: 'bulk-over' },
      { wallet: freshWallet(), token: 'ETH', amount: '0.5', reason: 'bulk-ok-2' },
    ];
    const r = await http(t.app, 'POST', '/v1/claims/batch', { claims: items });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { status: number }) => i.status)).toEqual([201, 422, 201]);
    expect(r.body.items[1].problem).toMatchObject({ status: 422, code: 'CLAIM.OVER_LIMIT' });
    expect((await stored()).claims).toBe(before.claims + 2);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE reason = 'bulk-over'`))[0].n).toBe(0);
  });

  it('refuses an issuer\'s voucher above the limit too', async () => {
    const before = await stored();
    const message = { wallet: freshWallet(), token: 'USDC', amount: '250', reason: 'voucher-over', nonce: '1', deadline: Math.floor(Date.now() / 1000) + 600 };
    const signature = await issuer.signTypedData({ name: 'Payrail', version: '1', chainId: 31337 }, SIGNED_CLAIM_TYPES, {
      ...message,
      nonce: BigInt(message.nonce),
      deadline: BigInt(message.deadline),
    });
    const r = await http(t.app, 'POST', '/v1/claims', { ...message, signature }, { auth: null });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'CLAIM.OVER_LIMIT' });
    expect(await stored()).toEqual(before);
  });
});
