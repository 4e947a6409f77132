import { Transaction, Wallet } from 'ethers';
import { AppConfig, loadConfig } from '../../config/config';
import { RemoteSignerTarget, TreasuryKey } from '../../config/treasury-key';
import { PayoutSigner } from '../../modules/payouts/lanes/payout-signer';
import { ChainService } from './chain.service';

const key = (n: number) => '0x' + n.toString(16).padStart(2, '0').repeat(32);
const address = (k: string) => new Wallet(k).address;
const keys = (...ks: string[]) => ks.map((k) => new TreasuryKey(k));

/** A finalised config (chain id and keys resolved, as bootstrap leaves it); no RPC call is made. */
function config(over: Partial<AppConfig>): AppConfig {
  const c = loadConfig({ CHAIN_RPC_URL: 'http://127.0.0.1:1', TOKENS: '', DEVCHAIN_FILE: '/nonexistent/payrail-unit-test/.devchain.json' });
  return { ...c, chainId: 31337, ...over };
}

describe('ChainService signers: a pool of active lanes and the retired keys', () => {
  const services: ChainService[] = [];
  afterAll(() => services.forEach((s) => s.provider.destroy()));
  const chain = (over: Partial<AppConfig>) => {
    const s = new ChainService(config(over));
    services.push(s);
    return s;
  };

  it('every key of the pool is active, in order; treasury is the first; retired ones follow in loadedSigners', () => {
    const pool = [key(0x11), key(0x22), key(0x33)];
    const c = chain({ treasuryPrivateKeys: keys(...pool), retiredTreasuryKeys: keys(key(0x44)) });
    const [a, b, d, r] = [...pool, key(0x44)].map(address);
    expect(c.actives.map((w) => w.address)).toEqual([a, b, d]);
    expect(c.treasury.address).toBe(a);
    expect(c.activeAddresses()).toEqual([a, b, d]);
    expect(c.loadedSigners()).toEqual([a, b, d, r]);
    for (const x of [a, b, d]) {
      expect(c.roleOf(x)).toBe('active');
      expect(c.signerOf(x!.toLowerCase())?.address).toBe(x);
    }
    expect(c.roleOf(r!)).toBe('retired');
    expect(c.signerOf(address(key(0x55)))).toBeNull();
    expect(c.roleOf(address(key(0x55)))).toBeNull();
  });

  it('a retired key that is also active stays active only (roles are disjoint)', () => {
    const c = chain({ treasuryPrivateKeys: keys(key(0x11), key(0x22)), retiredTreasuryKeys: keys(key(0x22), key(0x33)) });
    expect(c.roleOf(address(key(0x22)))).toBe('active');
    expect(c.retired.map((w) => w.address)).toEqual([address(key(0x33))]);
  });

  it('refuses an unfinalised config (no key, no remote signer)', () => {
    expect(() => new ChainService(config({ treasuryPrivateKeys: [] }))).toThrow(/not finalised/);
  });

  it('a remote signer: its addresses are the active lanes (kind remote, no key here), retired keys stay local', () => {
    const remote = new RemoteSignerTarget('http://127.0.0.1:1/', [address(key(0x66)), address(key(0x77))], 1000);
    const c = chain({ treasuryPrivateKeys: [], remoteSigner: remote, retiredTreasuryKeys: keys(key(0x11)) });
    expect(c.activeAddresses()).toEqual([address(key(0x66)), address(key(0x77))]);
    expect(c.treasury.address).toBe(address(key(0x66)));
    expect(c.actives.map((s) => s.kind)).toEqual(['remote', 'remote']);
    expect(c.signerOf(address(key(0x11)))?.kind).toBe('key');
    expect(c.roleOf(address(key(0x11)))).toBe('retired');
    expect(JSON.stringify(c.actives)).not.toContain('6666');
  });

  it('PayoutSigner: lanes() are the active addresses, active is the first; it signs with any lane and refuses unknown keys', async () => {
    const pool = [key(0x11), key(0x22)];
    const c = chain({ treasuryPrivateKeys: keys(...pool) });
    const signer = new PayoutSigner(c);
    expect(signer.lanes()).toEqual(pool.map(address));
    expect(signer.active).toBe(address(pool[0]!));
    const tx = { to: address(key(0x77)), value: 1n, data: '0x', nonce: 0, gasLimit: 21_000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n };
    const second = await signer.sign(address(pool[1]!), tx);
    const parsed = Transaction.from(second.rawTx);
    expect({ from: parsed.from, chainId: parsed.chainId, type: parsed.type, hash: parsed.hash }).toEqual({ from: address(pool[1]!), chainId: 31337n, type: 2, hash: second.txHash });
    expect(signer.canSign(address(key(0x77)))).toBe(false);
    await expect(signer.sign(address(key(0x77)), tx)).rejects.toThrow(/is not loaded/);
  });
});
