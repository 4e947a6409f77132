import { inspect } from 'node:util';
import { JsonRpcProvider, parseUnits } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { balanceOf, freshWallet } from '../helpers/chain';
import { onPrivateChain, PrivateChain, startPrivateChain } from '../helpers/private-chain';
import { runMain } from '../helpers/process';
import { RemoteSignerDouble, startRemoteSigner } from '../helpers/remote-signer';

const gwei = (n: number) => '0x' + parseUnits(String(n), 'gwei').toString(16);
/** the remote signer's credentials, in REMOTE_SIGNER_URL's user info and path: never in an error, a log or a dump */
const SIGNER_PASSWORD = 'Rem0teSignerPassw0rdE2E';
const SIGNER_PATH_TOKEN = 'signerPathTokenE2E0123456789';

/**
 * Issue 14, keys off the host (API.md "Treasury controls": REMOTE_SIGNER_URL + REMOTE_SIGNER_ADDRESS). The app
 * runs with no private key at all: its one lane is the address of a JSON-RPC signer process (the test double
 * holds the key and serves eth_signTransaction behind Basic auth). Every payout is signed there, including a
 * fee replacement of a payout held under a high base fee; each claim is paid exactly once. A lying signer
 * (another `to`) and a stalled one (past REMOTE_SIGNER_TIMEOUT_MS) make the app store nothing for the claim:
 * it is not paid, its lastError names the mismatch (or the timeout) without any secret, the lane's nonce is
 * returned; once the signer is honest again, the claim is paid once. A private dev chain: the base fee is
 * chain-wide.
 */
describe('a remote signer signs every payout, including a fee replacement, and a lying signer is refused', () => {
  let chain: PrivateChain;
  let provider: JsonRpcProvider;
  let world: World;
  let signer: RemoteSignerDouble;
  let app: TestApp;
  let pump: NodeJS.Timeout | null = null;
  const entitlements: Entitlement[] = [];

  beforeAll(async () => {
    chain = await startPrivateChain();
    provider = chain.provider;
    world = onPrivateChain(newWorld(), chain);
    signer = await startRemoteSigner(world.treasuryKey, { user: 'payrail', password: SIGNER_PASSWORD, path: `/v1/${SIGNER_PATH_TOKEN}` });
    delete world.env.TREASURY_PRIVATE_KEY; // the key is only in the signer process
    app = await bootApp(world, {
      REMOTE_SIGNER_URL: signer.url,
      REMOTE_SIGNER_ADDRESS: world.treasury,
      REMOTE_SIGNER_TIMEOUT_MS: '1000',
      CONFIRM_POLL_MS: '200',
      STUCK_AFTER_BLOCKS: '2',
      MAX_FEE_GWEI: '500',
      // a refused signature is an attempt spent: enough of them, retried quickly, for the lie and the stall
      PAY_CLAIM_ATTEMPTS: '30',
      PAY_CLAIM_BACKOFF_MS: '100',
    });
  });
  afterAll(async () => {
    if (pump) clearInterval(pump);
    await app?.close();
    await signer?.stop();
    await chain?.stop();
  });

  const claim = async (id: string) => (await http(app, 'GET', `/v1/claims/${id}`)).body as { status: string; lastError: string | null; txHash: string | null };
  const payoutsOf = async (id: string) => sql(world, `SELECT id, tx_hashes, nonce::int AS nonce FROM payouts WHERE $1 = ANY(claim_ids)`, [id]);
  const post = async (token: 'ETH' | 'USDC', amount: string, base: bigint, tag: string) => {
    const wallet = freshWallet();
    const r = await http(app, 'POST', '/v1/claims', { wallet, token, amount, reason: `remote-signer:${tag}` });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, entitlement: { wallet, token, base } };
  };
  /** every hash a payout stored (first signatures and replacements) */
  const storedHashes = async () => (await sql(world, `SELECT unnest(tx_hashes) AS h FROM payouts`)).map((r) => r.h as string);

  it('boots with no key: the one lane is REMOTE_SIGNER_ADDRESS, and neither the config nor process.env holds a key or the signer URL secret', async () => {
    const signers = await http(app, 'GET', '/v1/admin/signers', undefined, { auth: 'admin' });
    expect(signers.body.map((s: { address: string; role: string }) => [s.address, s.role])).toEqual([[world.treasury, 'active']]);
    expect(app.config.treasuryPrivateKeys).toEqual([]);
    const dumps = [JSON.stringify(app.config), inspect(app.config, { depth: Infinity, showHidden: true }), JSON.stringify(process.env)].join('\n').toLowerCase();
    for (const secret of [world.treasuryKey.slice(2), SIGNER_PASSWORD, SIGNER_PATH_TOKEN]) expect(dumps).not.toContain(secret.toLowerCase());
    expect(JSON.parse(JSON.stringify(app.config)).remoteSigner).toEqual({ url: signer.url.replace(/^http:\/\/[^@]+@/, 'http://').replace(/\/v1\/.*$/, ''), addresses: [world.treasury], timeoutMs: 1000 });
    for (const key of ['TREASURY_PRIVATE_KEY', 'TREASURY_PRIVATE_KEYS', 'RETIRED_TREASURY_KEYS']) expect(process.env[key]).toBeUndefined();
  });

  it('pays claims with signatures from the remote signer: every stored transaction is one it signed, mined from its address', async () => {
    const posted = [
      await post('USDC', '1.5', 1_500_000n, 'a'),
      await post('ETH', '0.25', 25n * 10n ** 16n, 'b'),
      await post('USDC', '2', 2_000_000n, 'c'),
    ];
    const ids = posted.map((p) => p.id);
    entitlements.push(...posted.map((p) => p.entitlement));
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n === ids.length,
      60_000,
      'the claims completed',
    );
    for (const p of posted) expect(await balanceOf(world, provider, p.entitlement.token, p.entitlement.wallet)).toBe(p.entitlement.base);
    const hashes = await storedHashes();
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) {
      expect(signer.signedHashes.has(h)).toBe(true);
      const tx = await provider.getTransaction(h);
      if (tx) expect(tx.from).toBe(world.treasury);
    }
    expect(signer.unauthorized).toBe(0); // the credentials of the URL's user info reached it as Basic auth
  });

  it('a payout stuck under a high base fee is replaced, and the replacement is signed by the remote signer; the claim is paid once', async () => {
    // signed at a low fee (the head's base fee), with nothing mined meanwhile
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(1)]);
    await provider.send('evm_mine', []);
    await provider.send('evm_setIntervalMining', [0]);
    await new Promise((r) => setTimeout(r, 1500)); // the app's chain head sees the low-fee block
    const { id, entitlement } = await post('ETH', '0.5', 5n * 10n ** 17n, 'stuck');
    entitlements.push(entitlement);
    const [first] = await waitFor(async () => {
      const rows = await sql(world, `SELECT tx_hashes FROM payouts WHERE $1 = ANY(claim_ids) AND broadcast_at IS NOT NULL`, [id]);
      return rows.length === 1 && rows;
    }, 30_000, 'the payout signed and sent');
    const original = await provider.getTransaction(first!.tx_hashes[0]);
    const signsBefore = signer.requests.length;

    // every block from now on has a base fee of 200 gwei: the payout (about 2 gwei) cannot be mined
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(200)]);
    pump = setInterval(() => void provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(200)]).catch(() => undefined), 100);
    await provider.send('evm_setIntervalMining', [500]);
    const [replaced] = await waitFor(async () => {
      const rows = await payoutsOf(id);
      return rows.length === 1 && rows[0]!.tx_hashes.length >= 2 && rows;
    }, 30_000, 'the stuck payout replaced');
    expect(signer.requests.length).toBeGreaterThan(signsBefore);
    for (const hash of replaced!.tx_hashes.slice(1)) {
      expect(signer.signedHashes.has(hash)).toBe(true);
      const tx = await provider.getTransaction(hash);
      expect({ from: tx?.from, nonce: tx?.nonce, to: tx?.to, value: tx?.value }).toEqual({ from: world.treasury, nonce: original!.nonce, to: original!.to, value: original!.value });
      expect(tx!.maxFeePerGas! > original!.maxFeePerGas!).toBe(true);
    }

    clearInterval(pump);
    pump = null;
    await new Promise((r) => setTimeout(r, 150));
    await provider.send('hardhat_setNextBlockBaseFeePerGas', [gwei(1)]);
    await waitFor(async () => (await claim(id)).status === 'completed', 60_000, 'the replaced claim completed');
    expect(await balanceOf(world, provider, 'ETH', entitlement.wallet)).toBe(entitlement.base);
    // more signatures than payouts: the replacement was a signature of its own
    const payouts = (await sql(world, `SELECT count(*)::int AS n FROM payouts`))[0].n;
    expect(signer.requests.length).toBeGreaterThan(payouts);
    for (const h of await storedHashes()) expect(signer.signedHashes.has(h)).toBe(true);
  });

  it('a lying signer (another `to`) and a stalled one: nothing stored, the claim unpaid with the reason and no secret, the nonce returned; honest again, it is paid once', async () => {
    const nonceBefore = (await sql(world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [world.treasury]))[0].n;
    signer.fault = 'wrong-to';
    const { id, entitlement } = await post('USDC', '0.75', 750_000n, 'lie');
    const lied = await waitFor(async () => {
      const c = await claim(id);
      return c.lastError?.includes('signed a transaction other than the one asked for') && c;
    }, 30_000, "the lie refused (the claim's lastError)");
    expect(lied.lastError).toMatch(/^sign failed: remote signer at http:\/\/127\.0\.0\.1:\d+ signed a transaction other than the one asked for \(to 0x[0-9a-f]{40} instead of 0x[0-9a-f]{40}\); refused, nothing stored$/);
    expect(['pending', 'processing']).toContain(lied.status);
    expect(lied.txHash).toBeNull();
    const unpaid = async (why: string) => {
      expect({ why, payouts: await payoutsOf(id) }).toEqual({ why, payouts: [] });
      expect(await balanceOf(world, provider, 'USDC', entitlement.wallet)).toBe(0n);
      // the nonce went back with the rolled-back transaction: Postgres and the chain agree, no gap
      const next = (await sql(world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [world.treasury]))[0].n;
      expect({ why, next }).toEqual({ why, next: nonceBefore });
      expect({ why, next }).toEqual({ why, next: await provider.getTransactionCount(world.treasury, 'pending') });
      const events = await sql(world, `SELECT detail::text AS d FROM claim_events WHERE claim_id = $1`, [id]);
      const text = [(await claim(id)).lastError ?? '', ...events.map((e) => e.d as string)].join('\n').toLowerCase();
      for (const secret of [SIGNER_PASSWORD, SIGNER_PATH_TOKEN, world.treasuryKey.slice(2)]) expect(text).not.toContain(secret.toLowerCase());
    };
    await unpaid('lying signer');

    signer.fault = 'stall';
    signer.stallMs = 3000;
    const stalled = await waitFor(async () => {
      const c = await claim(id);
      return c.lastError?.includes('did not answer within') && c;
    }, 30_000, 'the stalled signature timed out');
    expect(stalled.lastError).toMatch(/^sign failed: remote signer at http:\/\/127\.0\.0\.1:\d+ did not answer within REMOTE_SIGNER_TIMEOUT_MS=1000 ms; nothing stored \(the nonce is returned\)$/);
    await unpaid('stalled signer');

    signer.fault = null;
    entitlements.push(entitlement);
    await waitFor(async () => (await claim(id)).status === 'completed', 60_000, 'the claim paid once the signer is honest');
    expect((await payoutsOf(id)).length).toBe(1);
    await expectPaidExactlyOnce(world, app, provider, entitlements, [world.treasury]);
    for (const h of await storedHashes()) expect(signer.signedHashes.has(h)).toBe(true);
  });

  it('a remote signer beside a raw key stops boot with one line naming both, showing neither the key nor the URL secret', async () => {
    const r = await runMain({ ...world.env, TREASURY_PRIVATE_KEY: world.treasuryKey, REMOTE_SIGNER_URL: signer.url, REMOTE_SIGNER_ADDRESS: world.treasury });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out.trim().split('\n')).toEqual([
      'payrail: REMOTE_SIGNER_URL: set together with TREASURY_PRIVATE_KEY; set only one source of the active key (a remote signer holds it outside this process)',
    ]);
    for (const secret of [world.treasuryKey.slice(2), SIGNER_PASSWORD, SIGNER_PATH_TOKEN]) expect(out.toLowerCase()).not.toContain(secret.toLowerCase());
  });
});
