import { Wallet } from 'ethers';
import { ConfigError, loadConfig } from './config/config';
import { finaliseForChain } from './bootstrap';
import { devAccount } from './platform/chain/dev-accounts';

/** A valid env off the dev chains: explicit RPC and tokens, real-looking secrets (no dev fallback needed). */
const base = {
  CHAIN_RPC_URL: 'https://rpc.example',
  TOKENS: 'USDC:0x5FbDB2315678afecb367f032d93F642f64180aa3:6',
  DEVCHAIN_FILE: '/nonexistent/payrail-unit-test/.devchain.json',
  API_KEYS: 'a:abcdefgh',
  ADMIN_TOKEN: 'x'.repeat(32),
};
const real = (n: number) => '0x' + n.toString(16).padStart(2, '0').repeat(32);

function finalise(env: Record<string, string>, chainId: number, lines: string[] = []) {
  return finaliseForChain({ ...loadConfig({ ...base, ...env }), chainId }, (l) => lines.push(l));
}

describe('finaliseForChain: the signer pool (TREASURY_PRIVATE_KEYS)', () => {
  it('keeps the pool in order and logs every lane (never a key)', () => {
    const keys = [real(0x11), real(0x22), real(0x33)];
    const lines: string[] = [];
    const out = finalise({ TREASURY_PRIVATE_KEYS: keys.join(',') }, 1, lines);
    expect(out.treasuryPrivateKeys.map((k) => k.reveal())).toEqual(keys);
    const line = lines.find((l) => l.startsWith('chain 1 at https://rpc.example; '))!;
    expect(line).toMatch(/; treasury pool of 3 signers 0x[0-9a-fA-F]{40}, 0x[0-9a-fA-F]{40}, 0x[0-9a-fA-F]{40}$/);
    for (const k of keys) expect(lines.join('\n')).not.toContain(k.slice(2));
  });

  it('refuses a well-known dev key anywhere in the pool off the dev chains, naming its entry', () => {
    const env = { TREASURY_PRIVATE_KEYS: [real(0x11), devAccount(7).privateKey].join(',') };
    expect(() => finalise(env, 1)).toThrow(ConfigError);
    expect(() => finalise(env, 1)).toThrow(/^TREASURY_PRIVATE_KEYS: entry 2 is a well-known dev key, refused on chain 1$/);
    expect(() => finalise({ ...env, NODE_ENV: 'production' }, 31337)).toThrow(/^TREASURY_PRIVATE_KEYS: entry 2 is a well-known dev key, refused with NODE_ENV=production/);
    // dev chains take them (the e2e pools are dev accounts)
    expect(finalise(env, 31337).treasuryPrivateKeys).toHaveLength(2);
  });

  it('with neither key set, a dev chain uses dev account 0 as the one lane; any other chain requires a key', () => {
    const lines: string[] = [];
    const out = finalise({}, 31337, lines);
    expect(out.treasuryPrivateKeys.map((k) => k.reveal())).toEqual([devAccount(0).privateKey]);
    expect(lines).toContain('TREASURY_PRIVATE_KEY unset: using dev chain account 0 (dev chains only)');
    expect(() => finalise({}, 1)).toThrow(/^TREASURY_PRIVATE_KEY: required on chain 1 \(or TREASURY_PRIVATE_KEYS, TREASURY_KEYSTORE or REMOTE_SIGNER_URL\)$/);
  });

  it('a remote signer: no dev fallback key, its address is the lane (logged with the signer host, never its URL); a dev account is refused off dev chains', () => {
    const lines: string[] = [];
    const url = 'https://ops:S3cretS1gnerToken@signer.example:9000/';
    const address = new Wallet(real(0x55)).address;
    const out = finalise({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: address }, 1, lines);
    expect(out.treasuryPrivateKeys).toEqual([]);
    expect(lines).toContain(`chain 1 at https://rpc.example; treasury ${address} (signed by the remote signer at https://signer.example:9000)`);
    expect(lines.join('\n')).not.toContain('S3cret');
    expect(() => finalise({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: devAccount(3).address }, 1)).toThrow(`REMOTE_SIGNER_ADDRESS: ${devAccount(3).address} is a well-known dev account (its key is published), refused on chain 1`);
    expect(finalise({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: devAccount(3).address }, 31337).remoteSigner!.addresses).toEqual([devAccount(3).address]);
  });
});
