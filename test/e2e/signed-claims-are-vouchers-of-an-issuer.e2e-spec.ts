import { randomUUID } from 'node:crypto';
import { HDNodeWallet, Wallet } from 'ethers';
import { SIGNED_CLAIM_TYPES } from '../../src/modules/claims/commands/create-signed-claim/signed-claim.eip712';
import { bootApp, http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce } from '../helpers/assertions';
import { balanceOf } from '../helpers/chain';

/**
 * Issue 11, finding 8 (API.md "Signed claims are vouchers"): with ALLOW_SIGNED_CLAIMS=true a signed claim is
 * a VOUCHER: its EIP-712 signature over {wallet, token, amount, reason, nonce, deadline} (bound to the chain
 * id and the domain name) must recover to one of CLAIM_ISSUERS; the recipient (or anyone) submits it without
 * an API key. The wallet signing its own claim (before this fix: 201, a treasury drain) or any other key is a
 * 401 SIGNED_CLAIM.UNKNOWN_ISSUER with nothing stored. An issuer's nonce pays one voucher, whatever wallet
 * or reason a replay names; another issuer's same nonce is its own.
 */
const issuerA = Wallet.createRandom();
const issuerB = Wallet.createRandom();
const ISSUERS = { ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS: `${issuerA.address},${issuerB.address.toLowerCase()}` };

type Voucher = { wallet: string; token: string; amount: string; reason: string; nonce: string; deadline: number };
let nonce = 0;
const future = () => Math.floor(Date.now() / 1000) + 600;

/** A voucher for `wallet`, signed by `signer` (an issuer, or not). */
async function voucher(signer: HDNodeWallet, wallet: string, over: Partial<Voucher> = {}, domain: { name?: string; chainId?: number } = {}) {
  const message: Voucher = {
    wallet,
    token: 'USDC',
    amount: '0.1',
    reason: `voucher:${Math.random()}`,
    nonce: String(1000 + ++nonce),
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

function expect401(res: { status: number; headers: Headers; body: any }, code: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 401, code });
}

describe('signed claims are vouchers of an issuer (API only)', () => {
  const t = useWorld({ ROLE: 'api', ...ISSUERS, RL_CLAIMS_PER_HOUR_WALLET: '3' });

  const post = (body: unknown, headers: Record<string, string> = {}) => http(t.app, 'POST', '/v1/claims', body, { auth: null, headers });
  const claimsOf = async (wallet: string) => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE lower(wallet) = lower($1)`, [wallet]))[0].n;
  const noncesOf = async (wallet: string) => (await sql(t.world, `SELECT count(*)::int AS n FROM signed_claim_nonces WHERE wallet = lower($1)`, [wallet]))[0].n;
  const failures = async () => {
    const text = (await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body as string;
    const m = /payrail_auth_failures_total\{kind="signed"\} (\d+)/.exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('a self-signed claim (the wallet signs its own) -> 401 SIGNED_CLAIM.UNKNOWN_ISSUER, nothing stored', async () => {
    const self = Wallet.createRandom();
    const before = await failures();
    expect401(await post(await voucher(self, self.address)), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post(await voucher(self, self.address.toLowerCase(), { amount: '1000000' })), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect(await claimsOf(self.address)).toBe(0);
    expect(await noncesOf(self.address)).toBe(0);
    expect(await failures()).toBe(before + 2);
  });

  it('an issuer-signed voucher -> 201, client "signed", the nonce spent per issuer with the claim, the issuer on its first event', async () => {
    const wallet = Wallet.createRandom().address;
    const body = await voucher(issuerA, wallet.toLowerCase());
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ wallet, client: 'signed', amount: '0.1', status: 'pending' });
    const rows = await sql(t.world, `SELECT issuer, wallet, nonce::text, claim_id FROM signed_claim_nonces WHERE claim_id = $1`, [res.body.id]);
    expect(rows).toEqual([{ issuer: issuerA.address.toLowerCase(), wallet: wallet.toLowerCase(), nonce: body.nonce, claim_id: res.body.id }]);
    const events = await http(t.app, 'GET', `/v1/claims/${res.body.id}/events`);
    expect(events.body[0]).toMatchObject({ to: 'pending', actor: 'api:signed', detail: { issuer: issuerA.address } });
  });

  it('a tampered field, another chainId or domain, or a key that is not an issuer -> 401 UNKNOWN_ISSUER; garbage -> BAD_SIGNATURE; no claim', async () => {
    const wallet = Wallet.createRandom().address;
    const before = await failures();
    expect401(await post({ ...(await voucher(issuerA, wallet)), amount: '0.2' }), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post({ ...(await voucher(issuerA, wallet)), reason: 'changed' }), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post({ ...(await voucher(issuerA, wallet)), wallet: Wallet.createRandom().address }), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post(await voucher(Wallet.createRandom(), wallet)), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post(await voucher(issuerA, wallet, {}, { chainId: 1 })), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post(await voucher(issuerA, wallet, {}, { name: 'NotPayrail' })), 'SIGNED_CLAIM.UNKNOWN_ISSUER');
    expect401(await post({ ...(await voucher(issuerA, wallet)), signature: '0x' + '11'.repeat(65) }), 'SIGNED_CLAIM.BAD_SIGNATURE');
    expect(await claimsOf(wallet)).toBe(0);
    expect(await failures()).toBe(before + 7);
  });

  it('a deadline in the past -> 401 EXPIRED', async () => {
    const wallet = Wallet.createRandom().address;
    expect401(await post(await voucher(issuerA, wallet, { deadline: Math.floor(Date.now() / 1000) - 5 })), 'SIGNED_CLAIM.EXPIRED');
    expect(await claimsOf(wallet)).toBe(0);
  });

  it("an issuer's nonce pays once: replayed, or for another wallet and reason -> 401 NONCE_USED; another issuer's same nonce is accepted", async () => {
    const wallet = Wallet.createRandom().address;
    const other = Wallet.createRandom().address;
    const body = await voucher(issuerA, wallet);
    expect((await post(body)).status).toBe(201);
    expect401(await post(body), 'SIGNED_CLAIM.NONCE_USED');
    expect401(await post(await voucher(issuerA, other, { nonce: body.nonce, reason: 'another-entitlement' })), 'SIGNED_CLAIM.NONCE_USED');
    expect(await claimsOf(wallet)).toBe(1);
    expect(await claimsOf(other)).toBe(0); // rolled back with its nonce
    // issuer B's nonce space is its own: the same nonce, even for the same wallet
    const fromB = await post(await voucher(issuerB, wallet, { nonce: body.nonce, reason: 'from-issuer-b' }));
    expect(fromB.status).toBe(201);
    const rows = await sql(t.world, `SELECT issuer FROM signed_claim_nonces WHERE nonce = $1 ORDER BY used_at`, [body.nonce]);
    expect(rows.map((r) => r.issuer)).toEqual([issuerA.address.toLowerCase(), issuerB.address.toLowerCase()]);
  });

  it('a voucher naming a reserved `cycle:` reason -> 400 naming `reason`, nothing stored', async () => {
    const wallet = Wallet.createRandom().address;
    const res = await post(await voucher(issuerA, wallet, { reason: `cycle:${randomUUID()}:1` }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    expect(await claimsOf(wallet)).toBe(0);
    expect(await noncesOf(wallet)).toBe(0);
  });

  it('with an Idempotency-Key, a retried voucher replays (scoped to the wallet) instead of failing on its nonce', async () => {
    const wallet = Wallet.createRandom().address;
    const body = await voucher(issuerA, wallet);
    const first = await post(body, { 'idempotency-key': 'voucher-key' });
    expect(first.status).toBe(201);
    const again = await post(body, { 'idempotency-key': 'voucher-key' });
    expect(again.status).toBe(201);
    expect(again.headers.get('x-idempotency')).toBe('HIT');
    expect(again.body.id).toBe(first.body.id);
    // another wallet using the same key string is independent
    expect((await post(await voucher(issuerA, Wallet.createRandom().address), { 'idempotency-key': 'voucher-key' })).headers.get('x-idempotency')).toBe('MISS');
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records WHERE key = 'voucher-key' AND api_key_name = $1`, [`signed:${wallet.toLowerCase()}`]))[0].n).toBe(1);
  });

  it("refused signatures do not spend the wallet's budget; vouchers do (RL_CLAIMS_PER_HOUR_WALLET=3 here)", async () => {
    const self = Wallet.createRandom();
    for (let i = 0; i < 4; i++) expect((await post(await voucher(self, self.address))).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await post(await voucher(issuerA, self.address))).status).toBe(201);
    const over = await post(await voucher(issuerA, self.address));
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit')).toContain('"claims-wallet";r=0;');
  });

  it('a malformed signed body -> 400 naming the fields; signed fields with an API key -> 400', async () => {
    const { nonce: _n, ...noNonce } = await voucher(issuerA, Wallet.createRandom().address);
    const res = await post({ ...noNonce, deadline: 'soon' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['deadline', 'nonce']);
    const withKey = await http(t.app, 'POST', '/v1/claims', await voucher(issuerA, Wallet.createRandom().address));
    expect(withKey.status).toBe(400);
    expect(withKey.body.errors.map((e: { field: string }) => e.field)).toEqual(['nonce', 'deadline', 'signature']);
  });

  it('without ALLOW_SIGNED_CLAIMS (the default) a voucher without an API key is a plain 401', async () => {
    const off = await bootApp(t.world, { ROLE: 'api' });
    try {
      const wallet = Wallet.createRandom().address;
      const res = await http(off, 'POST', '/v1/claims', await voucher(issuerA, wallet), { auth: null });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.UNAUTHORIZED');
      expect(await claimsOf(wallet)).toBe(0);
    } finally {
      await off.close();
    }
  });
});

describe('an issuer-signed voucher is paid exactly once on chain (API + workers)', () => {
  const t = useWorld({ ...ISSUERS }, { provider: true });

  it('201, paid once to the fresh wallet; its nonce for another wallet -> 401 and that wallet gets nothing', async () => {
    const wallet = Wallet.createRandom().address;
    const body = await voucher(issuerA, wallet, { amount: '0.25' });
    const res = await http(t.app, 'POST', '/v1/claims', body, { auth: null });
    expect(res.status).toBe(201);
    const thief = Wallet.createRandom().address;
    const replay = await http(t.app, 'POST', '/v1/claims', await voucher(issuerA, thief, { nonce: body.nonce, amount: '0.25' }), { auth: null });
    expect401(replay, 'SIGNED_CLAIM.NONCE_USED');
    const again = await http(t.app, 'POST', '/v1/claims', body, { auth: null });
    expect401(again, 'SIGNED_CLAIM.NONCE_USED');

    await waitFor(async () => (await http(t.app, 'GET', `/v1/claims/${res.body.id}`)).body.status === 'completed', 60_000, 'the voucher paid');
    await expectPaidExactlyOnce(t.world, t.app, t.provider, [{ wallet, token: 'USDC', base: 250_000n }]);
    expect(await balanceOf(t.world, t.provider, 'USDC', thief)).toBe(0n);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims`))[0].n).toBe(1);
  });
});
