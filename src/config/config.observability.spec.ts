import { ConfigError, loadConfig } from './config';

/** The observability keys: MIN_SIGNER_ETH, OTEL_EXPORTER_OTLP_ENDPOINT, RECONCILE_EVERY_MS, LOG_FILE. */
const base = { CHAIN_RPC_URL: 'http://127.0.0.1:8545', TOKENS: 'USDC:0x5FbDB2315678afecb367f032d93F642f64180aa3:6', DEVCHAIN_FILE: '/nonexistent/.devchain.json' };
const load = (extra: Record<string, string> = {}) => loadConfig({ ...base, ...extra });
const fails = (extra: Record<string, string>) => {
  try {
    load(extra);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(extra)}`);
};

describe('observability config', () => {
  it('has defaults', () => {
    const c = load();
    expect(c.minSignerEth).toBe('0.05');
    expect(c.otelExporterOtlpEndpoint).toBe('http://127.0.0.1:4318');
    expect(c.reconcileEveryMs).toBe(15_000);
    expect(c.logFile).toBeNull();
  });

  it('reads valid values', () => {
    const c = load({ MIN_SIGNER_ETH: '1.5', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.org', RECONCILE_EVERY_MS: '500', LOG_FILE: '/var/log/payrail.log' });
    expect(c).toMatchObject({ minSignerEth: '1.5', otelExporterOtlpEndpoint: 'https://otel.example.org', reconcileEveryMs: 500, logFile: '/var/log/payrail.log' });
    expect(load({ MIN_SIGNER_ETH: '0' }).minSignerEth).toBe('0');
  });

  it('refuses bad values with one line naming the key', () => {
    for (const bad of ['-1', '1e3', '0.0000000000000000001', 'abc', '1.']) expect(fails({ MIN_SIGNER_ETH: bad })).toMatch(/^MIN_SIGNER_ETH: /);
    expect(fails({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://x:4317' })).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: /);
    expect(fails({ RECONCILE_EVERY_MS: '10' })).toMatch(/^RECONCILE_EVERY_MS: /);
  });
});
