import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_ADMIN_TOKEN, DEV_API_KEY, finaliseForChain } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { TreasuryKey } from '../../src/config/treasury-key';
import { devAccount } from '../../src/platform/chain/dev-accounts';
import { runMain } from '../helpers/process';

const base = {
  CHAIN_RPC_URL: process.env.PAYRAIL_E2E_RPC ?? 'http://127.0.0.1:8545',
  TOKENS: 'USDC:0x5FbDB2315678afecb367f032d93F642f64180aa3:6',
  DATABASE_URL: `${process.env.PAYRAIL_E2E_DB_BASE ?? 'postgres://postgres@127.0.0.1:5432'}/payrail_e2e_${process.env.PAYRAIL_E2E_RUN}_boot`,
  REDIS_URL: process.env.PAYRAIL_E2E_REDIS ?? 'redis://127.0.0.1:6379',
};

describe('boot refuses clearly, in one line', () => {
  it('names the key of a bad config value and exits 1', async () => {
    const r = await runMain({ ...base, CONFIRMATIONS: 'zero' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^payrail: CONFIRMATIONS: /)]);
  });

  it('says Postgres is unreachable and how to start it', async () => {
    const r = await runMain({ ...base, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/payrail' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^payrail: Postgres is unreachable at 127\.0\.0\.1:1: start it \(pg_ctlcluster/);
  });

  it('says Redis is unreachable and how to start it', async () => {
    const r = await runMain({ ...base, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^payrail: Redis is unreachable at 127\.0\.0\.1:1: start it \(redis-server/);
  });

  it('refuses an empty webhook secret (acme:whsec_) in one line naming WEBHOOK_SECRETS and the provider, and exits 1', async () => {
    const r = await runMain({ ...base, WEBHOOK_SECRETS: 'acme:whsec_' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^payrail: WEBHOOK_SECRETS: the secret of provider "acme" is 0 bytes decoded/)]);
  });

  it('refuses a 10-character admin token in one line naming ADMIN_TOKEN (without echoing it), and exits 1', async () => {
    const r = await runMain({ ...base, ADMIN_TOKEN: 'tencharsXY' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^payrail: ADMIN_TOKEN: must be at least 32 characters/)]);
    expect(r.stderr).not.toContain('tencharsXY');
  });

  it('with NODE_ENV=production, no dev fallback is used and the published dev secrets are refused, even on a dev chain id', () => {
    const prod = { ...loadConfig(base), nodeEnv: 'production', chainId: 31337 };
    const ok = { treasuryPrivateKeys: [new TreasuryKey('0x' + '11'.repeat(32))], apiKeys: [{ name: 'a', secret: 'abcdefgh' }], adminToken: 'y'.repeat(32), tokensFromDevchain: false };
    const lines: string[] = [];
    expect(() => finaliseForChain({ ...prod, ...ok, treasuryPrivateKeys: [] }, (l) => lines.push(l))).toThrow(/^TREASURY_PRIVATE_KEY: required with NODE_ENV=production/);
    expect(() => finaliseForChain({ ...prod, ...ok, apiKeys: [] }, (l) => lines.push(l))).toThrow(/^API_KEYS: required with NODE_ENV=production/);
    expect(() => finaliseForChain({ ...prod, ...ok, adminToken: null }, (l) => lines.push(l))).toThrow(/^ADMIN_TOKEN: required with NODE_ENV=production/);
    expect(() => finaliseForChain({ ...prod, ...ok, treasuryPrivateKeys: [new TreasuryKey(devAccount(0).privateKey)] }, () => undefined)).toThrow(/^TREASURY_PRIVATE_KEY: a well-known dev key is refused with NODE_ENV=production/);
    expect(() => finaliseForChain({ ...prod, ...ok, apiKeys: [{ name: 'dev', secret: DEV_API_KEY }] }, () => undefined)).toThrow(/^API_KEYS: the published dev key is refused/);
    expect(() => finaliseForChain({ ...prod, ...ok, adminToken: DEV_ADMIN_TOKEN }, () => undefined)).toThrow(/^ADMIN_TOKEN: the published dev token is refused/);
    expect(lines).toEqual([]); // no fallback was taken
    const fine = finaliseForChain({ ...prod, ...ok }, () => undefined);
    expect(fine.webhookAllowPrivateTargets).toBe(false); // nor the dev default for private webhook targets
    // the published dev secrets are refused on real chains too, outside production
    expect(() => finaliseForChain({ ...prod, ...ok, nodeEnv: 'development', chainId: 1, adminToken: DEV_ADMIN_TOKEN }, () => undefined)).toThrow(/^ADMIN_TOKEN: the published dev token/);
  });

  it('on a non-dev chain, refuses well-known dev keys and requires API keys and an admin token', () => {
    const cfg = loadConfig({ ...base, TREASURY_PRIVATE_KEY: devAccount(3).privateKey, API_KEYS: 'a:abcdefgh', ADMIN_TOKEN: 'x'.repeat(32) });
    expect(() => finaliseForChain({ ...cfg, chainId: 1 }, () => undefined)).toThrow(/^TREASURY_PRIVATE_KEY: a well-known dev key is refused on chain 1$/);
    const real = loadConfig({ ...base, TREASURY_PRIVATE_KEY: '0x' + '11'.repeat(32) });
    expect(() => finaliseForChain({ ...real, chainId: 1 }, () => undefined)).toThrow(/^API_KEYS: required/);
    expect(() => finaliseForChain({ ...real, apiKeys: [{ name: 'a', secret: 'abcdefgh' }], chainId: 1 }, () => undefined)).toThrow(/^ADMIN_TOKEN: required/);
    const lines: string[] = [];
    const dev = finaliseForChain({ ...loadConfig(base), chainId: 31337 }, (l) => lines.push(l));
    expect(dev.apiKeys).toEqual([{ name: 'dev', secret: 'payrail-dev-key' }]);
    expect(dev.adminToken).toBe(DEV_ADMIN_TOKEN);
    expect(dev.adminToken!.length).toBeGreaterThanOrEqual(32);
    expect(dev.treasuryPrivateKeys.map((k) => k.reveal())).toEqual([devAccount(0).privateKey]);
    expect(lines.join('\n')).not.toContain(devAccount(0).privateKey); // never logs the key
  });

  it('WEBHOOK_ALLOW_PRIVATE_TARGETS: unset allows private targets on dev chains only (logged); set, it is kept', () => {
    const real = { ...base, TREASURY_PRIVATE_KEY: '0x' + '11'.repeat(32), API_KEYS: 'a:abcdefgh', ADMIN_TOKEN: 'x'.repeat(32) };
    const devLines: string[] = [];
    expect(finaliseForChain({ ...loadConfig(base), chainId: 31337 }, (l) => devLines.push(l)).webhookAllowPrivateTargets).toBe(true);
    expect(devLines.filter((l) => l.startsWith('WEBHOOK_ALLOW_PRIVATE_TARGETS unset'))).toHaveLength(1);
    expect(finaliseForChain({ ...loadConfig(base), chainId: 1337 }, () => undefined).webhookAllowPrivateTargets).toBe(true);
    const realLines: string[] = [];
    expect(finaliseForChain({ ...loadConfig(real), chainId: 1 }, (l) => realLines.push(l)).webhookAllowPrivateTargets).toBe(false);
    expect(realLines.join('\n')).not.toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS');
    const devOff: string[] = [];
    const off = finaliseForChain({ ...loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }), chainId: 31337 }, (l) => devOff.push(l));
    expect(off.webhookAllowPrivateTargets).toBe(false);
    expect(devOff.join('\n')).not.toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS');
    expect(finaliseForChain({ ...loadConfig({ ...real, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }), chainId: 1 }, () => undefined).webhookAllowPrivateTargets).toBe(true);
  });

  it('refuses a dev chain file that describes another chain than the RPC, in one line (its tokens would be the wrong contracts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrail-boot-'));
    try {
      const file = join(dir, 'devchain.json');
      writeFileSync(file, JSON.stringify({ rpcUrl: base.CHAIN_RPC_URL, chainId: 1337, tokens: { USDC: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', decimals: 6 } } }));
      const { TOKENS: _unset, ...withoutTokens } = base;
      const r = await runMain({ ...withoutTokens, DEVCHAIN_FILE: file });
      expect(r.code).toBe(1);
      const origin = new URL(base.CHAIN_RPC_URL).origin;
      expect(r.stderr.trim().split('\n')).toEqual([`payrail: DEVCHAIN_FILE: ${file} describes chain 1337 but the RPC at ${origin} reports 31337; set TOKENS for this chain or restart the dev chain`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unreachable RPC by its origin only: a hosted RPC key in the path is never printed', async () => {
    const r = await runMain({ ...base, CHAIN_RPC_URL: 'http://127.0.0.1:1/v2/S3cretRpcKey?key=S3cretToo' });
    expect(r.code).toBe(1);
    // one line, after the boot's retries (issue 12: a transient RPC error at boot is retried with backoff)
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^payrail: The chain RPC is unreachable at http:\/\/127\.0\.0\.1:1 \(5 attempts, last: [^)]*\): check CHAIN_RPC_URL$/);
    expect(r.stdout + r.stderr).not.toMatch(/S3cret/);
  });

  it('prints the chain by its origin and the configured tokens in one line', () => {
    const lines: string[] = [];
    finaliseForChain({ ...loadConfig({ ...base, CHAIN_RPC_URL: 'https://user:pw@rpc.example/v2/S3cretRpcKey' }), chainId: 31337 }, (l) => lines.push(l));
    expect(lines).toContain(`chain 31337 at https://rpc.example; treasury ${devAccount(0).address}`);
    expect(lines).toContain('tokens: ETH (native), USDC 0x5FbDB2315678afecb367f032d93F642f64180aa3 (6 decimals) (from TOKENS)');
    expect(lines.join('\n')).not.toMatch(/S3cret|pw@/);
  });
});
