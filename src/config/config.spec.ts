import { devAccount } from '../platform/chain/dev-accounts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rpcHost } from '../platform/chain/rpc-url';
import { encryptKeystoreJsonSync, Wallet } from 'ethers';
import { ConfigError, loadConfig, SCOPES, tokensLine } from './config';
import { TreasuryKey } from './treasury-key';

const USDC_ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

/** A minimal valid env: explicit RPC + TOKENS, so no dev chain file is consulted. */
function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CHAIN_RPC_URL: 'http://127.0.0.1:8545',
    TOKENS: `USDC:${USDC_ADDRESS}:6`,
    DEVCHAIN_FILE: '/nonexistent/payrail-unit-test/.devchain.json',
    ...extra,
  };
}

function configError(extra: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env(extra));
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${String(e)}`);
  }
  throw new Error(`expected loadConfig to throw for ${JSON.stringify(extra)}`);
}

/** The key material of TreasuryKey holders (the config never shows it otherwise). */
const hexes = (keys: TreasuryKey[]) => keys.map((k) => k.reveal());

describe('loadConfig', () => {
  describe('defaults', () => {
    const c = loadConfig(env());

    it('matches API.md', () => {
      expect(c.port).toBe(3000);
      expect(c.role).toBe('all');
      expect(c.confirmations).toBe(1);
      expect(c.claimQueueConcurrency).toBe(5);
      expect(c.rlClaimsPerHourWallet).toBe(60);
      expect(c.rlPerMinIp).toBe(600);
      expect(c.rlWebhookPerMin).toBe(100);
      expect(c.rlWebhookFailuresPerMinIp).toBe(20);
      expect(c.idempotencyTtlHours).toBe(24);
      expect(c.batchWindowMs).toBe(0);
      expect(c.batchMax).toBe(200);
      expect(c.otelEnabled).toBe(false);
      expect(c.logLevel).toBe('info');
      expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/payrail');
      expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    });

    it('has no secrets configured by default', () => {
      expect(c.apiKeys).toEqual([]);
      expect(c.webhookSecrets).toEqual([]);
      expect(c.adminToken).toBeNull();
      expect(c.treasuryPrivateKeys).toEqual([]);
      expect(c.remoteSigner).toBeNull();
    });

    it('uses the explicit RPC and not the dev chain', () => {
      expect(c.chainRpcUrl).toBe('http://127.0.0.1:8545');
      expect(c.devchain).toBe(false);
      expect(c.chainId).toBeNull();
    });

    it('always has ETH (native: 18 decimals, null address) and parses TOKENS', () => {
      expect(c.tokens.ETH).toEqual({ symbol: 'ETH', address: null, decimals: 18 });
      expect(c.tokens.USDC).toEqual({ symbol: 'USDC', address: USDC_ADDRESS, decimals: 6 });
      expect(Object.keys(c.tokens).sort()).toEqual(['ETH', 'USDC']);
    });

    it('treats empty strings as unset', () => {
      const e = loadConfig(env({ PORT: '', ROLE: '', LOG_LEVEL: '', CONFIRMATIONS: '', OTEL_ENABLED: '' }));
      expect(e.port).toBe(3000);
      expect(e.role).toBe('all');
      expect(e.logLevel).toBe('info');
      expect(e.confirmations).toBe(1);
      expect(e.otelEnabled).toBe(false);
    });
  });

  describe('explicit values', () => {
    it('parses numbers, role, booleans, log level, several tokens, keys', () => {
      const c = loadConfig(
        env({
          PORT: '8080',
          ROLE: 'worker',
          CONFIRMATIONS: '3',
          CLAIM_QUEUE_CONCURRENCY: '16',
          BATCH_WINDOW_MS: '250',
          BATCH_MAX: '50',
          OTEL_ENABLED: 'true',
          LOG_LEVEL: 'debug',
          CHAIN_ID: '31337',
          TOKENS: `USDC:${USDC_ADDRESS}:6, DAI:0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512:18`,
          API_KEYS: 'alpha:alpha-secret-1,beta:beta:secret:with:colons-2,gamma:gamma-secret-3:claims:read+webhooks',
          TREASURY_PRIVATE_KEY: devAccount(0).privateKey,
        }),
      );
      expect(c.port).toBe(8080);
      expect(c.role).toBe('worker');
      expect(c.confirmations).toBe(3);
      expect(c.claimQueueConcurrency).toBe(16);
      expect(c.batchWindowMs).toBe(250);
      expect(c.batchMax).toBe(50);
      expect(c.otelEnabled).toBe(true);
      expect(c.logLevel).toBe('debug');
      expect(c.chainId).toBe(31337);
      expect(c.tokens.DAI).toEqual({ symbol: 'DAI', address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', decimals: 18 });
      expect(c.tokens.USDC!.decimals).toBe(6);
      expect(c.apiKeys).toEqual([
        { name: 'alpha', secret: 'alpha-secret-1', scopes: [...SCOPES] },
        { name: 'beta', secret: 'beta:secret:with:colons-2', scopes: [...SCOPES] },
        { name: 'gamma', secret: 'gamma-secret-3', scopes: ['claims:read', 'webhooks'] },
      ]);
      expect(hexes(c.treasuryPrivateKeys)).toEqual([devAccount(0).privateKey]);
    });

    it('TRUST_PROXY: unset = trust none; a hop count; a list of IPs and CIDRs (as Fastify trustProxy takes them)', () => {
      expect(loadConfig(env({})).trustProxy).toBe(false);
      expect(loadConfig(env({ TRUST_PROXY: '1' })).trustProxy).toBe(1);
      expect(loadConfig(env({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' })).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    });

    it.each(['false', '0', 'no', 'FALSE'])('OTEL_ENABLED=%s is false', (v) => {
      expect(loadConfig(env({ OTEL_ENABLED: v })).otelEnabled).toBe(false);
    });

    it('WEBHOOK_ALLOW_PRIVATE_TARGETS: unset is null (decided per chain at boot), true and false as given', () => {
      expect(loadConfig(env()).webhookAllowPrivateTargets).toBeNull();
      expect(loadConfig(env({ WEBHOOK_ALLOW_PRIVATE_TARGETS: '' })).webhookAllowPrivateTargets).toBeNull();
      expect(loadConfig(env({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' })).webhookAllowPrivateTargets).toBe(true);
      expect(loadConfig(env({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' })).webhookAllowPrivateTargets).toBe(false);
    });

    it('accepts the boundary port values', () => {
      expect(loadConfig(env({ PORT: '65535' })).port).toBe(65535);
    });

    it('METRICS_PORT: unset or empty is null (no port), 0 means any free port', () => {
      expect(loadConfig(env({})).metricsPort).toBeNull();
      expect(loadConfig(env({ METRICS_PORT: '' })).metricsPort).toBeNull();
      expect(loadConfig(env({ METRICS_PORT: '0' })).metricsPort).toBe(0);
      expect(loadConfig(env({ METRICS_PORT: '9464' })).metricsPort).toBe(9464);
    });
  });

  describe('a bad value throws a one-line ConfigError naming the key', () => {
    it.each<[string, Record<string, string>]>([
      ['PORT', { PORT: 'abc' }],
      ['PORT', { PORT: '70000' }],
      ['PORT', { PORT: '-1' }],
      ['PORT', { PORT: '3000.5' }],
      ['PORT', { PORT: '1e3' }],
      ['METRICS_PORT', { METRICS_PORT: '70000' }],
      ['METRICS_PORT', { METRICS_PORT: 'nine' }],
      ['ROLE', { ROLE: 'boss' }],
      ['CONFIRMATIONS', { CONFIRMATIONS: '0' }],
      ['CLAIM_QUEUE_CONCURRENCY', { CLAIM_QUEUE_CONCURRENCY: '0' }],
      ['BATCH_MAX', { BATCH_MAX: '0' }],
      ['RL_PER_MIN_IP', { RL_PER_MIN_IP: 'lots' }],
      ['IDEMPOTENCY_TTL_HOURS', { IDEMPOTENCY_TTL_HOURS: '0' }],
      ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
      ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
      ['REDIS_URL', { REDIS_URL: 'nope' }],
      ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
      ['CHAIN_RPC_URL', { CHAIN_RPC_URL: 'ftp://x' }],
      ['CHAIN_RPC_URL', { CHAIN_RPC_URL: 'localhost-8545' }],
      ['CHAIN_ID', { CHAIN_ID: 'mainnet' }],
      ['TOKENS', { TOKENS: 'USDC:0x12:6' }],
      ['TOKENS', { TOKENS: `ETH:${USDC_ADDRESS}:18` }],
      ['TOKENS', { TOKENS: `usdc:${USDC_ADDRESS}:6` }],
      ['TOKENS', { TOKENS: `USDC:${USDC_ADDRESS}` }],
      ['TOKENS', { TOKENS: `USDC:${USDC_ADDRESS}:six` }],
      ['TOKENS', { TOKENS: `USDC:${USDC_ADDRESS}:6:extra` }],
      ['TREASURY_PRIVATE_KEY', { TREASURY_PRIVATE_KEY: '0x1234' }],
      ['API_KEYS', { API_KEYS: 'nocolon' }],
      ['API_KEYS', { API_KEYS: 'a:short' }],
      ['API_KEYS', { API_KEYS: 'a:long-enough-secret:claims:wirte' }],
      ['API_KEYS', { API_KEYS: 'a:long-enough-secret:claims:read+everything' }],
      ['API_KEYS', { API_KEYS: 'admin:long-enough-secret' }],
      ['API_KEYS', { API_KEYS: 'signed:long-enough-secret' }],
      ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
      ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
      ['TRUST_PROXY', { TRUST_PROXY: 'proxy.internal' }],
      ['WEBHOOK_ENDPOINTS_MAX', { WEBHOOK_ENDPOINTS_MAX: '0' }],
      ['RL_PER_MIN_KEY', { RL_PER_MIN_KEY: 'lots' }],
      ['API_KEYS', { API_KEYS: ':secret-without-name' }],
      ['API_KEYS', { API_KEYS: 'name-without-secret:' }],
      ['WEBHOOK_SECRETS', { WEBHOOK_SECRETS: 'nocolon' }],
      ['QUEUE_PREFIX', { QUEUE_PREFIX: 'bad prefix!' }],
      ['OTEL_ENABLED', { OTEL_ENABLED: 'maybe' }],
      ['WEBHOOK_ALLOW_PRIVATE_TARGETS', { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'sometimes' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ])('%s (%j)', (key, extra) => {
      const err = configError(extra);
      expect(err.message.startsWith(`${key}:`)).toBe(true);
      expect(err.message).not.toMatch(/[\r\n]/);
      expect(err.message.length).toBeGreaterThan(key.length + 2);
    });
  });

  describe('security rules (wave 2): admin token and webhook secret strength, one scheme per provider', () => {
    const b64 = (n: number) => Buffer.alloc(n, 0x5a).toString('base64');

    it('ADMIN_TOKEN: refuses fewer than 32 characters in one line, without echoing it', () => {
      const err = configError({ ADMIN_TOKEN: 'ten-chars!' });
      expect(err.message).toMatch(/^ADMIN_TOKEN: must be at least 32 characters/);
      expect(err.message).not.toMatch(/[\r\n]/);
      expect(err.message).not.toContain('ten-chars!');
      expect(configError({ ADMIN_TOKEN: 'x'.repeat(31) }).message).toMatch(/^ADMIN_TOKEN:/);
      expect(loadConfig(env({ ADMIN_TOKEN: 'x'.repeat(32) })).adminToken).toBe('x'.repeat(32));
    });

    it.each([
      ['an empty whsec_ secret', 'acme:whsec_'],
      ['whsec_ with invalid base64', 'acme:whsec_not*base64!!'],
      ['whsec_ decoding to 23 bytes', `acme:whsec_${b64(23)}`],
      ['a legacy secret of 23 bytes', `acme:${'s'.repeat(23)}`],
    ])('WEBHOOK_SECRETS: refuses %s, naming the provider, never the secret', (_what, value) => {
      const err = configError({ WEBHOOK_SECRETS: value });
      expect(err.message).toMatch(/^WEBHOOK_SECRETS: .*"acme"/);
      expect(err.message).not.toMatch(/[\r\n]/);
      const secret = value.slice('acme:'.length);
      if (secret.length > 'whsec_'.length) expect(err.message).not.toContain(secret.replace(/^whsec_/, ''));
    });

    it('WEBHOOK_SECRETS: accepts 24 decoded bytes (whsec_) and 24-byte legacy secrets', () => {
      const c = loadConfig(env({ WEBHOOK_SECRETS: `acme:whsec_${b64(24)},acme:whsec_${b64(32)},legacy:${'s'.repeat(24)}` }));
      expect(c.webhookSecrets.map((w) => w.provider)).toEqual(['acme', 'acme', 'legacy']);
    });

    it('WEBHOOK_SECRETS: a provider with both whsec_ and legacy secrets is refused (its scheme follows from its secrets)', () => {
      const err = configError({ WEBHOOK_SECRETS: `acme:whsec_${b64(32)},acme:${'s'.repeat(30)}` });
      expect(err.message).toMatch(/^WEBHOOK_SECRETS: provider "acme" has both/);
      expect(err.message).not.toContain('s'.repeat(30));
    });
  });

  describe('signed claims are vouchers: ALLOW_SIGNED_CLAIMS needs CLAIM_ISSUERS', () => {
    const issuer = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';

    it('refuses to boot with ALLOW_SIGNED_CLAIMS=true and no CLAIM_ISSUERS (unset, empty or only commas)', () => {
      for (const CLAIM_ISSUERS of [undefined, '', ' , ']) {
        const err = configError({ ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS });
        expect(err.message).toMatch(/^CLAIM_ISSUERS: required with ALLOW_SIGNED_CLAIMS=true/);
        expect(err.message).not.toMatch(/[\r\n]/);
      }
    });

    it('accepts issuers (lower-cased, trimmed); without ALLOW_SIGNED_CLAIMS they are not needed', () => {
      const c = loadConfig(env({ ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS: ` ${issuer}, ${devAccount(1).address} ` }));
      expect(c.allowSignedClaims).toBe(true);
      expect(c.claimIssuers).toEqual([issuer.toLowerCase(), devAccount(1).address.toLowerCase()]);
      expect(loadConfig(env()).claimIssuers).toEqual([]);
      expect(loadConfig(env()).allowSignedClaims).toBe(false);
    });

    it('a malformed issuer names the key', () => {
      expect(configError({ ALLOW_SIGNED_CLAIMS: 'true', CLAIM_ISSUERS: '0x1234' }).message).toMatch(/^CLAIM_ISSUERS: /);
    });
  });

  describe('error messages never echo a secret', () => {
    it('API_KEYS: a too-short secret is not echoed (only the key name)', () => {
      const err = configError({ API_KEYS: 'ci:Zq7xK9p' }); // 7 chars
      expect(err.message).toMatch(/^API_KEYS:/);
      expect(err.message).not.toContain('Zq7xK9p');
      expect(err.message).toContain('ci'); // naming the key is fine and helpful
    });

    it('API_KEYS=a:short does not echo the secret "short"', () => {
      // The fixed wording "shorter than 8 characters" contains the substring "short", so check the secret
      // as it would be echoed: alone in quotes or after the colon.
      const err = configError({ API_KEYS: 'a:short' });
      expect(err.message).not.toContain('"short"');
      expect(err.message).not.toContain(':short');
      expect(err.message).not.toContain("'short'");
    });

    it('API_KEYS: an entry without a colon (probably a bare secret) is not echoed', () => {
      const err = configError({ API_KEYS: 'good:long-enough-secret,Xk29fhQ7sLm3' });
      expect(err.message).toMatch(/^API_KEYS:/);
      expect(err.message).not.toContain('Xk29fhQ7sLm3');
    });

    it('WEBHOOK_SECRETS: a malformed entry is not echoed', () => {
      const err = configError({ WEBHOOK_SECRETS: 'whsec_Pq81LmZ0' });
      expect(err.message).toMatch(/^WEBHOOK_SECRETS:/);
      expect(err.message).not.toContain('Pq81LmZ0');
    });

    it.each(['0x1234', '0xdeadbeefcafebabe', 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8Z'])(
      'TREASURY_PRIVATE_KEY=%s is not echoed',
      (value) => {
        const err = configError({ TREASURY_PRIVATE_KEY: value });
        expect(err.message).toMatch(/^TREASURY_PRIVATE_KEY:/);
        expect(err.message).not.toContain(value);
        expect(err.message).not.toContain(value.replace(/^0x/, '').slice(0, 4));
      },
    );

    it('DATABASE_URL with a password and a bad scheme does not echo the password', () => {
      const err = configError({ DATABASE_URL: 'mysql://root:Sup3rS3cretPw@db:3306/payrail' });
      expect(err.message).toMatch(/^DATABASE_URL:/);
      expect(err.message).not.toContain('Sup3rS3cretPw');
    });

    it('REDIS_URL with a password and a bad scheme does not echo the password', () => {
      const err = configError({ REDIS_URL: 'http://:Sup3rS3cretPw@cache:6379' });
      expect(err.message).toMatch(/^REDIS_URL:/);
      expect(err.message).not.toContain('Sup3rS3cretPw');
    });
  });

  describe('regressions: cursors that once reached Postgres', () => {
    // Regression (fixed): int()/bool()/ROLE echo the raw value, so a value containing a newline (e.g. from a quoted
    // multi-line .env entry) yields a multi-line message, breaking "one clear line naming the key".
    // Remove `.failing` once config.ts stops echoing raw values verbatim.
    it('PORT containing a newline still gives a one-line message', () => {
      const err = configError({ PORT: '80\n80' });
      expect(err.message).not.toMatch(/[\r\n]/);
    });
  });

  describe('which dev chain file configures the tokens (README "Configuration": TOKENS)', () => {
    const RPC = 'http://127.0.0.1:8545';
    let dir: string;
    let cwd: string;
    const write = (name: string, rpcUrl: string, chainId = 31337) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ rpcUrl, chainId, tokens: { USDC: { address: USDC_ADDRESS, decimals: 6 } } }));
      return file;
    };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'payrail-config-'));
      cwd = process.cwd();
      process.chdir(dir); // the default DEVCHAIN_FILE is ./.devchain.json
    });
    afterEach(() => {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    });

    it('CHAIN_RPC_URL set, TOKENS unset: the default .devchain.json is read when its rpcUrl is this RPC', () => {
      write('.devchain.json', `${RPC}/`);
      const c = loadConfig({ CHAIN_RPC_URL: RPC });
      expect(Object.keys(c.tokens).sort()).toEqual(['ETH', 'USDC']);
      expect(c.tokensFromDevchain).toBe(true);
      expect(c.devchainChainId).toBe(31337); // checked against the RPC at boot
      expect(c.chainId).toBe(31337);
    });

    it('... and ignored when it describes another node: ETH only, and boot says so', () => {
      write('.devchain.json', 'http://127.0.0.1:9999');
      const c = loadConfig({ CHAIN_RPC_URL: RPC });
      expect(Object.keys(c.tokens)).toEqual(['ETH']);
      expect(c.tokensFromDevchain).toBe(false);
      expect(c.devchainChainId).toBeNull();
      expect(c.chainId).toBeNull();
      expect(tokensLine(c)).toBe('tokens: ETH (native) (TOKENS unset and no dev chain file for this RPC: ETH only)');
    });

    it('a DEVCHAIN_FILE named explicitly is read whatever its rpcUrl (an RPC proxy in front of the dev chain)', () => {
      const file = write('chain.json', 'http://127.0.0.1:9999', 1337);
      const c = loadConfig({ CHAIN_RPC_URL: RPC, DEVCHAIN_FILE: file });
      expect(c.tokens.USDC).toEqual({ symbol: 'USDC', address: USDC_ADDRESS, decimals: 6 });
      expect(c.devchainChainId).toBe(1337);
      expect(tokensLine(c)).toBe(`tokens: ETH (native), USDC ${USDC_ADDRESS} (6 decimals) (from ${file})`);
    });

    it('TOKENS set: no file is read', () => {
      write('.devchain.json', RPC);
      const c = loadConfig({ CHAIN_RPC_URL: RPC, TOKENS: `DAI:${USDC_ADDRESS}:18` });
      expect(Object.keys(c.tokens).sort()).toEqual(['DAI', 'ETH']);
      expect(c.tokensFromDevchain).toBe(false);
      expect(c.devchainChainId).toBeNull();
      expect(tokensLine(c)).toBe(`tokens: ETH (native), DAI ${USDC_ADDRESS} (18 decimals) (from TOKENS)`);
    });
  });

  describe('signer pool (issue 13): TREASURY_PRIVATE_KEYS, MAX_INFLIGHT_PER_SIGNER', () => {
    const [k1, k2, k3] = [devAccount(21).privateKey, devAccount(22).privateKey, devAccount(23).privateKey];

    it('neither key set: no active key (boot resolves the dev default), named TREASURY_PRIVATE_KEY', () => {
      const c = loadConfig(env());
      expect(c.treasuryPrivateKeys).toEqual([]);
      expect(c.treasuryKeysVar).toBe('TREASURY_PRIVATE_KEY');
    });

    it('TREASURY_PRIVATE_KEY alone: one lane', () => {
      const c = loadConfig(env({ TREASURY_PRIVATE_KEY: k1 }));
      expect(hexes(c.treasuryPrivateKeys)).toEqual([k1]);
      expect(c.treasuryKeysVar).toBe('TREASURY_PRIVATE_KEY');
    });

    it('TREASURY_PRIVATE_KEYS: the pool in the given order (trimmed, 0x added, lower-cased)', () => {
      const c = loadConfig(env({ TREASURY_PRIVATE_KEYS: ` ${k1}, ${k2.slice(2).toUpperCase()} ,${k3},` }));
      expect(hexes(c.treasuryPrivateKeys)).toEqual([k1, k2, k3]);
      expect(c.treasuryPrivateKeys.map((k) => k.address)).toEqual([21, 22, 23].map((i) => devAccount(i).address));
      expect(c.treasuryKeysVar).toBe('TREASURY_PRIVATE_KEYS');
      expect(hexes(loadConfig(env({ TREASURY_PRIVATE_KEYS: k2 })).treasuryPrivateKeys)).toEqual([k2]); // a pool of one
      expect(loadConfig(env({ TREASURY_PRIVATE_KEYS: '' })).treasuryPrivateKeys).toEqual([]); // empty = unset
    });

    it('both set: one line naming TREASURY_PRIVATE_KEYS, without echoing either key', () => {
      const err = configError({ TREASURY_PRIVATE_KEY: k1, TREASURY_PRIVATE_KEYS: `${k2},${k3}` });
      expect(err.message).toMatch(/^TREASURY_PRIVATE_KEYS: set together with TREASURY_PRIVATE_KEY; set only one/);
      expect(err.message).not.toMatch(/[\r\n]/);
      for (const k of [k1, k2, k3]) expect(err.message).not.toContain(k.slice(2, 10));
    });

    it('a key listed twice is refused, whatever its spelling (0x or not, letter case), naming both entries', () => {
      expect(configError({ TREASURY_PRIVATE_KEYS: `${k1},${k2},${k1.slice(2).toUpperCase()}` }).message).toBe(
        'TREASURY_PRIVATE_KEYS: entry 3 repeats entry 1 (each key is listed once)',
      );
      expect(configError({ RETIRED_TREASURY_KEYS: `${k3},${k3}` }).message).toMatch(/^RETIRED_TREASURY_KEYS: entry 2 repeats entry 1/);
    });

    it('a malformed or out-of-range entry names its position, never its value', () => {
      const bad = configError({ TREASURY_PRIVATE_KEYS: `${k1},0xdeadbeefcafe` });
      expect(bad.message).toBe('TREASURY_PRIVATE_KEYS: entry 2: expected 32 bytes of hex');
      expect(configError({ TREASURY_PRIVATE_KEYS: `0x${'00'.repeat(32)}` }).message).toBe('TREASURY_PRIVATE_KEYS: entry 1: not a valid secp256k1 private key');
      expect(configError({ TREASURY_PRIVATE_KEYS: `0x${'ff'.repeat(32)}` }).message).toMatch(/^TREASURY_PRIVATE_KEYS: entry 1: not a valid secp256k1/);
      expect(configError({ TREASURY_PRIVATE_KEY: `0x${'00'.repeat(32)}` }).message).toBe('TREASURY_PRIVATE_KEY: not a valid secp256k1 private key');
      expect(configError({ TREASURY_PRIVATE_KEYS: ' , ,' }).message).toBe('TREASURY_PRIVATE_KEYS: no key in the list');
      expect(configError({ RETIRED_TREASURY_KEYS: 'nope' }).message).toBe('RETIRED_TREASURY_KEYS: entry 1: expected 32 bytes of hex');
    });

    it('a key both active and retired is refused (a rotation half done), naming RETIRED_TREASURY_KEYS and the active key list', () => {
      expect(configError({ TREASURY_PRIVATE_KEYS: `${k1},${k2}`, RETIRED_TREASURY_KEYS: `${k3},${k2.toUpperCase().replace('0X', '0x')}` }).message).toBe(
        'RETIRED_TREASURY_KEYS: entry 2 is also an active key (TREASURY_PRIVATE_KEYS); a key is either active or retired, remove it from one list',
      );
      expect(configError({ TREASURY_PRIVATE_KEY: k1, RETIRED_TREASURY_KEYS: k1 }).message).toMatch(/^RETIRED_TREASURY_KEYS: entry 1 is also an active key \(TREASURY_PRIVATE_KEY\)/);
      const ok = loadConfig(env({ TREASURY_PRIVATE_KEYS: `${k1},${k2}`, RETIRED_TREASURY_KEYS: k3 }));
      expect(hexes(ok.retiredTreasuryKeys)).toEqual([k3]);
    });

    it('MAX_INFLIGHT_PER_SIGNER: 16 by default, 1..1000', () => {
      expect(loadConfig(env()).maxInflightPerSigner).toBe(16);
      expect(loadConfig(env({ MAX_INFLIGHT_PER_SIGNER: '1' })).maxInflightPerSigner).toBe(1);
      expect(loadConfig(env({ MAX_INFLIGHT_PER_SIGNER: '1000' })).maxInflightPerSigner).toBe(1000);
      for (const v of ['0', '1001', 'many', '2.5']) expect(configError({ MAX_INFLIGHT_PER_SIGNER: v }).message).toMatch(/^MAX_INFLIGHT_PER_SIGNER: /);
    });
  });

  describe('treasury controls (issue 14): REMOTE_SIGNER_URL with REMOTE_SIGNER_ADDRESS', () => {
    const signer = devAccount(24).address;
    const url = 'https://signer:S3cretSignerToken@web3signer.internal:9000/api/S3cretPathToken123';
    const remote = (extra: Record<string, string> = {}) => loadConfig(env({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer.toLowerCase(), ...extra }));

    it('the active lane is the address (checksummed), no key in the config; the timeout defaults to 5000 ms', () => {
      const c = remote();
      expect(c.treasuryPrivateKeys).toEqual([]);
      expect(c.treasuryKeysVar).toBe('REMOTE_SIGNER_URL');
      expect(c.remoteSigner!.addresses).toEqual([signer]);
      expect(c.remoteSigner!.timeoutMs).toBe(5000);
      expect(c.remoteSigner!.host).toBe('https://web3signer.internal:9000');
      expect(c.remoteSigner!.reveal()).toBe(url);
      expect(remote({ REMOTE_SIGNER_TIMEOUT_MS: '250' }).remoteSigner!.timeoutMs).toBe(250);
      expect(configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer, REMOTE_SIGNER_TIMEOUT_MS: '10' }).message).toMatch(/^REMOTE_SIGNER_TIMEOUT_MS: must be between 100 and 60000/);
    });

    it('a comma list of addresses is one lane each, in order; a repeat or a bad address is refused by position', () => {
      const other = devAccount(25).address;
      expect(remote({ REMOTE_SIGNER_ADDRESS: `${signer}, ${other},` }).remoteSigner!.addresses).toEqual([signer, other]);
      expect(configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: `${signer},${signer.toLowerCase()}` }).message).toBe('REMOTE_SIGNER_ADDRESS: entry 2 repeats an earlier entry (each address is listed once)');
      expect(configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: '0x1234' }).message).toBe('REMOTE_SIGNER_ADDRESS: entry 1 "0x1234" is not an address');
      // mixed case with a wrong checksum: a typo, not an address
      const i = [...signer].findIndex((ch, j) => j > 1 && /[a-fA-F]/.test(ch));
      const flipped = signer[i] === signer[i]!.toUpperCase() ? signer[i]!.toLowerCase() : signer[i]!.toUpperCase();
      const broken = signer.slice(0, i) + flipped + signer.slice(i + 1);
      expect(configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: broken }).message).toMatch(/^REMOTE_SIGNER_ADDRESS: entry 1 .* is not an address$/);
    });

    it('one without the other, or beside a raw key or a keystore, stops boot with one line that never shows the URL', () => {
      const messages = [
        configError({ REMOTE_SIGNER_URL: url }).message,
        configError({ REMOTE_SIGNER_ADDRESS: signer }).message,
        configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer, TREASURY_PRIVATE_KEY: devAccount(21).privateKey }).message,
        configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer, TREASURY_PRIVATE_KEYS: devAccount(21).privateKey }).message,
        configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer, TREASURY_KEYSTORE: '/nonexistent/keystore.json' }).message,
        configError({ REMOTE_SIGNER_URL: 'ftp://signer:S3cretSignerToken@host/', REMOTE_SIGNER_ADDRESS: signer }).message,
        configError({ REMOTE_SIGNER_URL: 'not a url S3cretSignerToken', REMOTE_SIGNER_ADDRESS: signer }).message,
      ];
      expect(messages).toEqual([
        'REMOTE_SIGNER_ADDRESS: required with REMOTE_SIGNER_URL (the address whose key the remote signer holds)',
        'REMOTE_SIGNER_URL: required with REMOTE_SIGNER_ADDRESS (the JSON-RPC signer that holds its key)',
        'REMOTE_SIGNER_URL: set together with TREASURY_PRIVATE_KEY; set only one source of the active key (a remote signer holds it outside this process)',
        'REMOTE_SIGNER_URL: set together with TREASURY_PRIVATE_KEYS; set only one source of the active key (a remote signer holds it outside this process)',
        'REMOTE_SIGNER_URL: set together with TREASURY_KEYSTORE; set only one source of the active key (a remote signer holds it outside this process)',
        'REMOTE_SIGNER_URL: protocol must be one of http:, https:',
        'REMOTE_SIGNER_URL: not a valid URL',
      ]);
      for (const m of messages) expect(m).not.toMatch(/S3cret/);
    });

    it('RETIRED_TREASURY_KEYS stay raw keys beside a remote signer (a rotation from a key to it); the remote address itself cannot be retired', () => {
      const old = devAccount(21);
      const c = remote({ RETIRED_TREASURY_KEYS: old.privateKey });
      expect(c.retiredTreasuryKeys.map((k) => k.address)).toEqual([old.address]);
      expect(configError({ REMOTE_SIGNER_URL: url, REMOTE_SIGNER_ADDRESS: signer, RETIRED_TREASURY_KEYS: devAccount(24).privateKey }).message).toBe(
        'RETIRED_TREASURY_KEYS: entry 1 is also an active key (REMOTE_SIGNER_ADDRESS); a key is either active or retired, remove it from one list',
      );
    });
  });

  describe('treasury controls (issue 14): TREASURY_KEYSTORE with TREASURY_KEYSTORE_PASSWORD_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrail-keystore-'));
    const key = `0x${'5a'.repeat(32)}`;
    const keystore = join(dir, 'keystore.json');
    const password = join(dir, 'password');
    const wrong = join(dir, 'wrong');
    beforeAll(() => {
      // light scrypt parameters keep the test fast; the format is the one geth and ethers write
      writeFileSync(keystore, encryptKeystoreJsonSync({ address: new Wallet(key).address, privateKey: key }, 'correct horse', { scrypt: { N: 1 << 10 } }));
      writeFileSync(password, 'correct horse\n');
      writeFileSync(wrong, 'battery staple\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('decrypts the active key from the keystore with the password file (one trailing newline ignored)', () => {
      const c = loadConfig(env({ TREASURY_KEYSTORE: keystore, TREASURY_KEYSTORE_PASSWORD_FILE: password }));
      expect(hexes(c.treasuryPrivateKeys)).toEqual([key]);
      expect(c.treasuryKeysVar).toBe('TREASURY_KEYSTORE');
    });

    it('a wrong password, a missing file, a missing password file or a raw key beside it: one line naming the key, no secret', () => {
      const bad = configError({ TREASURY_KEYSTORE: keystore, TREASURY_KEYSTORE_PASSWORD_FILE: wrong }).message;
      expect(bad).toBe(`TREASURY_KEYSTORE: cannot decrypt ${keystore}: wrong password (TREASURY_KEYSTORE_PASSWORD_FILE) or not an encrypted JSON keystore`);
      expect(bad).not.toContain('battery');
      expect(bad).not.toContain('5a5a');
      expect(configError({ TREASURY_KEYSTORE: join(dir, 'nope.json'), TREASURY_KEYSTORE_PASSWORD_FILE: password }).message).toBe(`TREASURY_KEYSTORE: cannot read ${join(dir, 'nope.json')}`);
      expect(configError({ TREASURY_KEYSTORE: keystore }).message).toMatch(/^TREASURY_KEYSTORE_PASSWORD_FILE: required with TREASURY_KEYSTORE/);
      expect(configError({ TREASURY_KEYSTORE: keystore, TREASURY_KEYSTORE_PASSWORD_FILE: join(dir, 'none') }).message).toBe(`TREASURY_KEYSTORE_PASSWORD_FILE: cannot read ${join(dir, 'none')}`);
      expect(configError({ TREASURY_KEYSTORE: keystore, TREASURY_KEYSTORE_PASSWORD_FILE: password, TREASURY_PRIVATE_KEY: `0x${'11'.repeat(32)}` }).message).toMatch(/^TREASURY_KEYSTORE: set together with TREASURY_PRIVATE_KEY/);
      expect(configError({ TREASURY_KEYSTORE: password, TREASURY_KEYSTORE_PASSWORD_FILE: password }).message).toMatch(/^TREASURY_KEYSTORE: cannot decrypt/);
    });
  });

  describe('treasury controls (issue 14): LIMIT_PER_CLAIM per token', () => {
    it('parses SYMBOL:amount entries into base units, by each token\'s decimals; unset = no limit', () => {
      expect(loadConfig(env()).limitPerClaim).toEqual({});
      expect(loadConfig(env({ LIMIT_PER_CLAIM: 'USDC:1000, eth:0.5' })).limitPerClaim).toEqual({ USDC: '1000000000', ETH: '500000000000000000' });
      expect(loadConfig(env({ LIMIT_PER_CLAIM: 'USDC:0.000001' })).limitPerClaim).toEqual({ USDC: '1' });
    });

    it('refuses a malformed entry, an unknown token, too many decimals, zero and a token named twice, naming the key', () => {
      expect(configError({ LIMIT_PER_CLAIM: 'USDC=1000' }).message).toMatch(/^LIMIT_PER_CLAIM: each entry must be SYMBOL:amount/);
      expect(configError({ LIMIT_PER_CLAIM: 'DAI:5' }).message).toBe('LIMIT_PER_CLAIM: DAI is not a configured token (ETH, USDC)');
      expect(configError({ LIMIT_PER_CLAIM: 'USDC:0.0000001' }).message).toMatch(/^LIMIT_PER_CLAIM: USDC has 6 decimals/);
      expect(configError({ LIMIT_PER_CLAIM: 'ETH:0' }).message).toBe('LIMIT_PER_CLAIM: the ETH limit must be greater than zero');
      expect(configError({ LIMIT_PER_CLAIM: 'USDC:1,usdc:2' }).message).toBe('LIMIT_PER_CLAIM: USDC is named twice');
      expect(configError({ LIMIT_PER_CLAIM: 'USDC:-1' }).message).toMatch(/^LIMIT_PER_CLAIM: /);
    });

    it('DRIFT_TOLERANCE takes the same list, zero allowed (any outflow pauses); unset = no drift breaker', () => {
      expect(loadConfig(env()).driftTolerance).toEqual({});
      expect(loadConfig(env({ DRIFT_TOLERANCE: 'USDC:0,ETH:0.01' })).driftTolerance).toEqual({ USDC: '0', ETH: '10000000000000000' });
      expect(configError({ DRIFT_TOLERANCE: 'BTC:1' }).message).toMatch(/^DRIFT_TOLERANCE: BTC is not a configured token/);
    });

    it('TREASURY_FLOOR takes the same list, each floor above zero (a zero floor can never be crossed); unset = no floor breaker', () => {
      expect(loadConfig(env()).treasuryFloor).toEqual({});
      expect(loadConfig(env({ TREASURY_FLOOR: 'usdc:100,ETH:0.5' })).treasuryFloor).toEqual({ USDC: '100000000', ETH: '500000000000000000' });
      expect(configError({ TREASURY_FLOOR: 'ETH:0' }).message).toBe('TREASURY_FLOOR: the ETH limit must be greater than zero');
      expect(configError({ TREASURY_FLOOR: 'BTC:1' }).message).toMatch(/^TREASURY_FLOOR: BTC is not a configured token/);
    });
  });

  it('rpcHost keeps only scheme, host and port: hosted RPC keys live in the path, query or userinfo', () => {
    expect(rpcHost('https://eth-mainnet.g.alchemy.com/v2/S3cretKey?x=1')).toBe('https://eth-mainnet.g.alchemy.com');
    expect(rpcHost('wss://user:S3cret@rpc.example:8546/ws/S3cret')).toBe('wss://rpc.example:8546');
    expect(rpcHost('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
  });
});
