import { HDNodeWallet, Wallet } from 'ethers';
import { SIGNED_CLAIM_TYPES } from '../../src/modules/claims/commands/create-signed-claim/signed-claim.eip712';
import { bootApp, http, sql, useWorld } from '../helpers/app';

/**
 * Issue 4, acceptance 7 (API.md "Claims", client `signed`): with ALLOW_SIGNED_CLAIMS=true a wallet claims for
 * itself without an API key, with an EIP-712 signature over {wallet, token, amount, reason, nonce, deadline}
 * bound to the chain id and the service (domain name). Valid -> 201; tampered field, replayed nonce, past
 * deadline, other chainId, other domain, other signer -> 401 and nothing stored.
 */
describe('EIP-712 signed claims', () => {
  let nonce = 0;
  const t = useWorld({ ROLE: 'api', ALLOW_SIGNED_CLAIMS: 'true', RL_CLAIMS_PER_HOUR_WALLET: '3' });

  const future = () => Math.floor(Date.now() / 1000) + 600;
  async function signed(
    signer: HDNodeWallet,
    over: Partial<{ wallet: string; token: string; amount: string; reason: string; nonce: string; deadline: number }> = {},
    domain: { name?: string; chainId?: number } = {},
  ) {
    const message = {
      wallet: signer.address,
      token: 'USDC',
      amount: '0.1',
      reason: `signed:${Math.random()}`,
      nonce: String(++nonce),
      deadline: future(),
      ...over,
    };
    const signature = await signer.signTypedData(
      { name: domain.name ?? 'Payrail', version: '1', chainId: domain.chainId ?? 31337 },
      SIGNED_CLAIM_TYPES,
      { ...message, nonce: BigInt(message.nonce), deadline: BigInt(message.deadline) },
    );
    return { ...message, signature };
  }
  const post = (body: unknown, headers: Record<string, string> = {}) => http(t.app, 'POST', '/v1/claims', body, { auth: null, headers });
  const claimsOf = async (wallet: string) => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE lower(wallet) = lower($1)`, [wallet]))[0].n;
  const failures = async () => {
    const text = (await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body as string;
    const m = /payrail_auth_failures_total\{kind="signed"\} (\d+)/.exec(text);
    return m ? Number(m[1]) : 0;
  };
  function expect401(res: { status: number; headers: Headers; body: any }, code: string) {
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code });
  }

  it('a valid signature -> 201, client "signed", the nonce spent with the claim in one transaction', async () => {
    const signer = Wallet.createRandom();
    const body = await signed(signer, { wallet: signer.address.toLowerCase() });
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ wallet: signer.address, client: 'signed', amount: '0.1', status: 'pending' });
    const rows = await sql(t.world, `SELECT wallet, nonce::text, claim_id FROM signed_claim_nonces WHERE claim_id = $1`, [res.body.id]);
    expect(rows).toEqual([{ wallet: signer.address.toLowerCase(), nonce: body.nonce, claim_id: res.body.id }]);
    const events = await http(t.app, 'GET', `/v1/claims/${res.body.id}/events`);
    expect(events.body[0]).toMatchObject({ to: 'pending', actor: 'api:signed' });
  });

  it('a tampered amount, another signer, another chainId or another domain name -> 401, no claim', async () => {
    const signer = Wallet.createRandom();
    const before = await failures();
    expect401(await post({ ...(await signed(signer)), amount: '0.2' }), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect401(await post({ ...(await signed(signer)), reason: 'changed' }), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect401(await post(await signed(Wallet.createRandom(), { wallet: signer.address })), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect401(await post(await signed(signer, {}, { chainId: 1 })), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect401(await post(await signed(signer, {}, { name: 'NotPayrail' })), 'SIGNED_CLAIM.BAD_SIGNATURE');
    const junk = { ...(await signed(signer)), signature: '0x' + '11'.repeat(65) };
    expect401(await post(junk), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect(await claimsOf(signer.address)).toBe(0);
    expect(await failures()).toBe(before + 6);
  });

  it('a deadline in the past -> 401', async () => {
    const signer = Wallet.createRandom();
    expect401(await post(await signed(signer, { deadline: Math.floor(Date.now() / 1000) - 5 })), 'SIGNED_CLAIM.EXPIRED');
    expect(await claimsOf(signer.address)).toBe(0);
  });

  it('a replayed nonce -> 401, even for another claim: the claim and the nonce roll back together', async () => {
    const signer = Wallet.createRandom();
    const body = await signed(signer);
    expect((await post(body)).status).toBe(201);
    expect401(await post(body), 'SIGNED_CLAIM.NONCE_USED');
    const other = await signed(signer, { nonce: body.nonce, reason: 'another-entitlement' });
    expect401(await post(other), 'SIGNED_CLAIM.NONCE_USED');
    expect(await claimsOf(signer.address)).toBe(1); // the second claim was rolled back with its nonce
    // the same nonce from another wallet is that wallet's own
    const stranger = Wallet.createRandom();
    expect((await post(await signed(stranger, { nonce: body.nonce }))).status).toBe(201);
  });

  it('with an Idempotency-Key, a retried signed claim replays (scoped to the wallet) instead of failing on its nonce', async () => {
    const signer = Wallet.createRandom();
    const body = await signed(signer);
    const first = await post(body, { 'idempotency-key': 'signed-key' });
    expect(first.status).toBe(201);
    const again = await post(body, { 'idempotency-key': 'signed-key' });
    expect(again.status).toBe(201);
    expect(again.headers.get('x-idempotency')).toBe('HIT');
    expect(again.body.id).toBe(first.body.id);
    // another wallet using the same key string is independent
    expect((await post(await signed(Wallet.createRandom()), { 'idempotency-key': 'signed-key' })).headers.get('x-idempotency')).toBe('MISS');
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records WHERE key = 'signed-key' AND api_key_name = $1`, [`signed:${signer.address.toLowerCase()}`]))[0].n).toBe(1);
  });

  it('bad signatures do not spend the wallet budget; verified ones do (RL_CLAIMS_PER_HOUR_WALLET=3 here)', async () => {
    const signer = Wallet.createRandom();
    for (let i = 0; i < 4; i++) expect((await post({ ...(await signed(signer)), amount: '9' })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await post(await signed(signer))).status).toBe(201);
    const over = await post(await signed(signer));
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit')).toContain('"claims-wallet";r=0;');
  });

  it('a malformed signed body -> 400 naming the fields; signed fields with an API key -> 400', async () => {
    const signer = Wallet.createRandom();
    const { nonce: _n, ...noNonce } = await signed(signer);
    const res = await post({ ...noNonce, deadline: 'soon' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['deadline', 'nonce']);
    const withKey = await http(t.app, 'POST', '/v1/claims', await signed(signer));
    expect(withKey.status).toBe(400);
    expect(withKey.body.errors.map((e: { field: string }) => e.field)).toEqual(['nonce', 'deadline', 'signature']);
  });

  it('without ALLOW_SIGNED_CLAIMS (the default) a signed body without an API key is a plain 401', async () => {
    const off = await bootApp(t.world, { ROLE: 'api' });
    try {
      const signer = Wallet.createRandom();
      const res = await http(off, 'POST', '/v1/claims', await signed(signer), { auth: null });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.UNAUTHORIZED');
      expect(await claimsOf(signer.address)).toBe(0);
    } finally {
      await off.close();
    }
  });
});
