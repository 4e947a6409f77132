import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { finaliseForChain } from '../bootstrap';
import { devAccount } from '../platform/chain/dev-accounts';
import { createRootLogger } from '../platform/logging/pino-options';
import { AppConfig, ConfigError, loadBootConfig, loadConfig, SECRET_ENV_KEYS } from './config';

/**
 * Issue 14: "a key is never in a heap-visible config dump". The boundary is main's boot-time parse,
 * loadBootConfig(process.env): the config it returns holds keys (TreasuryKey) and the remote signer's URL
 * (RemoteSignerTarget) in #private fields, so every way a config gets dumped (JSON.stringify, util.inspect
 * at any depth with hidden properties, a pino log line) shows addresses and the signer's host only; and the
 * key variables are gone from process.env once it returns (or throws).
 */
const active = [devAccount(31).privateKey, devAccount(32).privateKey];
const retired = devAccount(33).privateKey;
const SIGNER_URL = 'https://ops:R3moteS1gnerPassw0rd@signer.internal:9000/v1/R3moteS1gnerPathToken';
const BASE = { CHAIN_RPC_URL: 'http://127.0.0.1:8545', TOKENS: '', DEVCHAIN_FILE: '/nonexistent/payrail-unit-test/.devchain.json' };

/** Every way the config is written out: JSON, util.inspect (deep, hidden properties), a pino log line. */
function dumps(config: AppConfig): string[] {
  let logged = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((logged += String(chunk)), cb()) });
  // LOG_LEVEL debug, no secret scrubbing relied on: the line scrubber only knows the values we check for
  const logger = createRootLogger({ ...config, apiKeys: [], webhookSecrets: [], treasuryPrivateKeys: [], retiredTreasuryKeys: [], logLevel: 'debug' }, { stream });
  logger.info({ config }, 'config');
  return [JSON.stringify(config), inspect(config, { depth: Infinity, showHidden: true }), inspect(config), `${String(config.treasuryPrivateKeys)}`, logged];
}

function expectNoSecret(texts: string[], secrets: string[]): void {
  for (const text of texts) {
    const lower = text.toLowerCase();
    for (const s of secrets) expect({ leaked: lower.includes(s.toLowerCase()), secret: s.slice(0, 6) }).toEqual({ leaked: false, secret: s.slice(0, 6) });
  }
}

describe('keys never in a config dump, and out of process.env after the boot-time parse (loadBootConfig)', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('raw keys (a pool and a retired key): the dumps show addresses only, and process.env no longer carries the keys', () => {
    Object.assign(process.env, BASE, { TREASURY_PRIVATE_KEYS: active.join(','), RETIRED_TREASURY_KEYS: retired });
    const config = loadBootConfig();
    for (const key of SECRET_ENV_KEYS) expect(process.env[key]).toBeUndefined();
    expect(config.treasuryPrivateKeys.map((k) => k.address)).toEqual([devAccount(31).address, devAccount(32).address]);
    const texts = dumps(config);
    expectNoSecret(texts, [...active, retired].map((k) => k.slice(2)));
    // what they do show: the addresses, so an operator still sees which keys are loaded
    expect(JSON.parse(texts[0]!).treasuryPrivateKeys).toEqual([{ address: devAccount(31).address }, { address: devAccount(32).address }]);
    expect(texts[1]).toContain(`TreasuryKey(${devAccount(33).address})`);
  });

  it('TREASURY_PRIVATE_KEY, and the dev fallback boot adds on a dev chain: never in a dump either', () => {
    Object.assign(process.env, BASE, { TREASURY_PRIVATE_KEY: active[0] });
    const config = loadBootConfig();
    expect(process.env.TREASURY_PRIVATE_KEY).toBeUndefined();
    expectNoSecret(dumps(config), [active[0]!.slice(2)]);
    const dev = finaliseForChain({ ...loadConfig(BASE), chainId: 31337 }, () => undefined);
    expect(dev.treasuryPrivateKeys.map((k) => k.address)).toEqual([devAccount(0).address]);
    expectNoSecret(dumps(dev), [devAccount(0).privateKey.slice(2)]);
  });

  it('a remote signer: the URL with its credentials is in no dump (its host is) and leaves process.env too', () => {
    Object.assign(process.env, BASE, { REMOTE_SIGNER_URL: SIGNER_URL, REMOTE_SIGNER_ADDRESS: devAccount(34).address, RETIRED_TREASURY_KEYS: retired });
    const config = loadBootConfig();
    expect(process.env.REMOTE_SIGNER_URL).toBeUndefined();
    expect(process.env.RETIRED_TREASURY_KEYS).toBeUndefined();
    expect(process.env.REMOTE_SIGNER_ADDRESS).toBe(devAccount(34).address); // an address is not a secret
    const texts = dumps(config);
    expectNoSecret(texts, ['R3moteS1gnerPassw0rd', 'R3moteS1gnerPathToken', retired.slice(2)]);
    expect(JSON.parse(texts[0]!).remoteSigner).toEqual({ url: 'https://signer.internal:9000', addresses: [devAccount(34).address], timeoutMs: 5000 });
  });

  it('a parse that fails still removes the key variables (boot stops, but nothing it leaves behind holds them)', () => {
    Object.assign(process.env, BASE, { TREASURY_PRIVATE_KEY: active[0], TREASURY_PRIVATE_KEYS: active[1] });
    expect(() => loadBootConfig()).toThrow(ConfigError);
    expect(process.env.TREASURY_PRIVATE_KEY).toBeUndefined();
    expect(process.env.TREASURY_PRIVATE_KEYS).toBeUndefined();
  });
});
