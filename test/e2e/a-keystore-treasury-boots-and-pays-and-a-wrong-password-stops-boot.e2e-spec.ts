import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptKeystoreJsonSync } from 'ethers';
import { bootApp, http, newWorld, TestApp, waitFor, World } from '../helpers/app';
import { balanceOf, chainProvider, freshWallet } from '../helpers/chain';
import { runMain } from '../helpers/process';

/**
 * Issue 14, keys off the host (API.md "Treasury controls": TREASURY_KEYSTORE + TREASURY_KEYSTORE_PASSWORD_FILE):
 * the world's treasury key is handed to the app only as an encrypted JSON keystore (the format geth and ethers
 * write) and a password file; no key is in the environment. The app boots with that signer as its active lane
 * and pays a claim on chain. With a wrong password, boot stops with ONE line naming TREASURY_KEYSTORE, exit 1,
 * and neither the password nor the key appears anywhere in its output.
 */
describe('a treasury key from an encrypted keystore', () => {
  let world: World;
  let app: TestApp | undefined;
  let dir: string;
  let keystoreEnv: Record<string, string>;

  beforeAll(() => {
    world = newWorld();
    dir = mkdtempSync(join(tmpdir(), 'payrail-keystore-e2e-'));
    const keystore = join(dir, 'treasury.json');
    writeFileSync(keystore, encryptKeystoreJsonSync({ address: world.treasury, privateKey: world.treasuryKey }, 'correct horse battery', { scrypt: { N: 1 << 12 } }));
    writeFileSync(join(dir, 'password'), 'correct horse battery\n');
    writeFileSync(join(dir, 'wrong'), 'tr0ub4dor&3\n');
    keystoreEnv = { TREASURY_KEYSTORE: keystore, TREASURY_KEYSTORE_PASSWORD_FILE: join(dir, 'password') };
    delete world.env.TREASURY_PRIVATE_KEY; // the key only in the keystore
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('boots with the keystore signer as the active lane and pays a claim with it', async () => {
    app = await bootApp(world, keystoreEnv);
    const signers = await http(app, 'GET', '/v1/admin/signers', undefined, { auth: 'admin' });
    expect(signers.body.map((s: { address: string; role: string }) => [s.address, s.role])).toEqual([[world.treasury, 'active']]);
    const wallet = freshWallet();
    const r = await http(app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount: '0.42', reason: 'keystore-pays' });
    expect(r.status).toBe(201);
    await waitFor(async () => (await http(app!, 'GET', `/v1/claims/${r.body.id}`)).body.status === 'completed', 60_000, 'the claim completed');
    const provider = chainProvider(world);
    try {
      expect(await balanceOf(world, provider, 'USDC', wallet)).toBe(420_000n);
      const tx = await provider.getTransaction((await http(app, 'GET', `/v1/claims/${r.body.id}`)).body.txHash);
      expect(tx!.from).toBe(world.treasury);
    } finally {
      provider.destroy();
    }
  });

  it('a wrong password stops boot with one line naming TREASURY_KEYSTORE, and shows no secret', async () => {
    const env = { ...world.env, ...keystoreEnv, TREASURY_KEYSTORE_PASSWORD_FILE: join(dir, 'wrong'), PORT: '0' };
    const r = await runMain(env);
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    const lines = out.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^payrail: TREASURY_KEYSTORE: cannot decrypt .*: wrong password \(TREASURY_KEYSTORE_PASSWORD_FILE\) or not an encrypted JSON keystore$/)]);
    expect(out).not.toContain('tr0ub4dor');
    expect(out).not.toContain('correct horse');
    expect(out.toLowerCase()).not.toContain(world.treasuryKey.slice(2).toLowerCase());
  });
});
