import { Writable } from 'node:stream';
import pino from 'pino';
import { createRootLogger, httpLogLevel, requestIdFrom, secretScrubber, secretValues, wantsPretty } from './pino-options';
import { devAccount } from '../chain/dev-accounts';
import { TreasuryKey } from '../../config/treasury-key';

const KEY = devAccount(1).privateKey; // a well-known dev key, to prove it is redacted
const config = {
  logLevel: 'debug',
  logFile: null,
  nodeEnv: 'production',
  role: 'all' as const,
  treasuryPrivateKeys: [new TreasuryKey(KEY)],
  apiKeys: [{ name: 'acme', secret: 'acme-secret-123456' }],
  adminToken: 'admin-token-abcdef',
  webhookSecrets: [{ provider: 'acme', secret: 'whsec_c2VjcmV0LWJ5dGVz' }],
  chainRpcUrl: 'https://eth.rpc.example/v2/logged-rpc-key-abc123',
};

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; logger: pino.Logger } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const logger = createRootLogger(config, { stream });
  return { logger, raw: () => out, lines: () => out.trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('logging options', () => {
  it('never writes the RPC URL\'s key, whatever the message interpolates (host kept)', () => {
    const c = capture();
    c.logger.warn(`watching payout failed: server response 500 (info={"requestUrl":"${config.chainRpcUrl}"})`);
    c.logger.info({ detail: { url: config.chainRpcUrl } }, 'path /v2/logged-rpc-key-abc123');
    expect(c.raw()).not.toContain('logged-rpc-key-abc123');
    expect(c.raw()).toContain('https://eth.rpc.example/[REDACTED]');
  });

  it('accepts a sane x-request-id and replaces anything else with a UUID', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom(['r1', 'r2'])).toBe('r1');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(129), 'id\nforged', '<script>']) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('redacts secret fields and scrubs secret values from any line', () => {
    const c = capture();
    c.logger.info({ privateKey: KEY, nested: { apiKey: 'x', signature: '0xsig', token: 'USDC' }, req: { headers: { authorization: 'Bearer t' } } }, 'fields');
    c.logger.warn(`interpolated ${KEY.slice(2).toUpperCase()} and acme-secret-123456 and admin-token-abcdef and c2VjcmV0LWJ5dGVz`);
    const [a, b] = c.lines();
    expect(a!.privateKey).toBe('[REDACTED]');
    expect((a!.nested as Record<string, unknown>).apiKey).toBe('[REDACTED]');
    expect((a!.nested as Record<string, unknown>).signature).toBe('[REDACTED]');
    expect((a!.nested as Record<string, unknown>).token).toBe('USDC'); // a currency, not a secret
    expect(((a!.req as Record<string, Record<string, unknown>>).headers!).authorization).toBe('[REDACTED]');
    expect(b!.msg).toBe('interpolated [REDACTED] and [REDACTED] and [REDACTED] and [REDACTED]');
    const raw = c.raw().toLowerCase();
    for (const s of secretValues(config)) expect(raw).not.toContain(s.toLowerCase());
  });

  it('scrubs every key of a signer pool and the retired keys, not only the first', () => {
    const pool = [devAccount(2).privateKey, devAccount(3).privateKey];
    const retired = devAccount(4).privateKey;
    const secrets = secretValues({ ...config, treasuryPrivateKeys: pool.map((k) => new TreasuryKey(k)), retiredTreasuryKeys: [new TreasuryKey(retired)] });
    for (const k of [...pool, retired]) expect(secrets).toContain(k.slice(2));
    const scrub = secretScrubber(secrets);
    expect(scrub(`a ${pool[1]} b ${retired.toUpperCase()}`)).toBe('a 0x[REDACTED] b 0X[REDACTED]');
  });

  it('keeps tx hashes and addresses (they are not secrets)', () => {
    const c = capture();
    const hash = '0x' + 'ab'.repeat(32);
    c.logger.info({ txHash: hash }, `mined ${hash}`);
    expect(c.lines()[0]).toMatchObject({ txHash: hash, msg: `mined ${hash}` });
  });

  it('writes JSON lines with ISO time, level label and role', () => {
    const root = createRootLogger({ ...config, logLevel: 'info' }, { stdoutIsTty: false });
    expect(root.level).toBe('info');
    expect(root.bindings()).toMatchObject({ service: 'payrail', role: 'all' });
  });

  it('is pretty only for development on a terminal', () => {
    expect(wantsPretty({ nodeEnv: 'development', logFile: null }, true)).toBe(true);
    expect(wantsPretty({ nodeEnv: 'development', logFile: null }, false)).toBe(false);
    expect(wantsPretty({ nodeEnv: 'production', logFile: null }, true)).toBe(false);
    expect(wantsPretty({ nodeEnv: 'development', logFile: '/tmp/x.log' }, true)).toBe(false);
  });

  it('logs probes at debug and errors by status', () => {
    expect(httpLogLevel('/health/ready', 200)).toBe('debug');
    expect(httpLogLevel('/metrics?x=1', 200)).toBe('debug');
    expect(httpLogLevel('/v1/claims', 201)).toBe('info');
    expect(httpLogLevel('/v1/claims', 401)).toBe('warn');
    expect(httpLogLevel('/health/ready', 503)).toBe('warn');
    expect(httpLogLevel('/v1/claims', 500)).toBe('error');
  });

  it('logs errors without stack traces', () => {
    const c = capture();
    c.logger.error({ err: new Error('boom\n    at secret/place.js:1') }, 'failed');
    expect(c.lines()[0]!.err).toEqual({ type: 'Error', message: 'Error: boom' });
    expect(c.raw()).not.toContain('at secret/place.js');
  });

  it('scrubs nothing when no secret is configured', () => {
    expect(secretScrubber([])('abc')).toBe('abc');
  });
});
