import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The one place where the environment is read. `loadConfig` validates every key and throws a
 * ConfigError whose message is a single line naming the offending key; boot prints it and exits.
 */
export class ConfigError extends Error {}

export type Role = 'api' | 'worker' | 'all';
export const CRASH_POINTS = ['after-nonce', 'after-persist', 'after-broadcast', 'after-mined'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface TokenConfig {
  symbol: string;
  /** null for the chain's native coin (ETH) */
  address: string | null;
  decimals: number;
}

export interface AppConfig {
  port: number;
  host: string;
  role: Role;
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  chainRpcUrl: string;
  /** true when CHAIN_RPC_URL was unset and the dev chain file supplied the RPC */
  devchain: boolean;
  devchainFile: string;
  chainId: number | null;
  tokens: Record<string, TokenConfig>;
  /** true when the token list came from the dev chain file (refused on non-dev chains) */
  tokensFromDevchain: boolean;
  treasuryPrivateKey: string | null;
  confirmations: number;
  claimQueueConcurrency: number;
  confirmPollMs: number;
  leaseSeconds: number;
  stuckAfterBlocks: number;
  maxFeeGwei: number;
  rpcTimeoutMs: number;
  queueLockMs: number;
  payClaimAttempts: number;
  payClaimBackoffMs: number;
  /** test-only crash point (refused when NODE_ENV=production) */
  crashAt: CrashPoint | null;
  apiKeys: { name: string; secret: string }[];
  adminToken: string | null;
  webhookSecrets: { provider: string; secret: string }[];
  rlClaimsPerHourWallet: number;
  rlPerMinIp: number;
  rlWebhookPerMin: number;
  idempotencyTtlHours: number;
  batchWindowMs: number;
  batchMax: number;
  otelEnabled: boolean;
  logLevel: string;
  bodyLimitBytes: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

type Env = Record<string, string | undefined>;

/** A non-secret value as it may appear in a one-line error: quoted, escaped, truncated. */
function shown(raw: string): string {
  return JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw);
}

function int(env: Env, key: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${key}: expected an integer, got ${shown(raw)}`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${key}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${key}: expected true or false, got ${shown(raw)}`);
}

function url(env: Env, key: string, def: string | undefined, protocols: string[]): string | undefined {
  const raw = env[key] || def;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key}: not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key}: protocol must be one of ${protocols.join(', ')}`);
  }
  return raw;
}

function pairs(env: Env, key: string): { left: string; right: string }[] {
  const raw = env[key];
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0 || i === entry.length - 1) throw new ConfigError(`${key}: each entry must be name:secret`);
      return { left: entry.slice(0, i), right: entry.slice(i + 1) };
    });
}

interface DevchainFile {
  rpcUrl: string;
  chainId: number;
  tokens: Record<string, { address: string; decimals: number }>;
  batchPayout?: string;
  treasury?: string;
}

export function readDevchainFile(path: string): DevchainFile | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DevchainFile;
  } catch {
    throw new ConfigError(`DEVCHAIN_FILE: ${path} is not valid JSON`);
  }
}

function parseTokens(env: Env, devchain: DevchainFile | null): Record<string, TokenConfig> {
  const tokens: Record<string, TokenConfig> = { ETH: { symbol: 'ETH', address: null, decimals: 18 } };
  const raw = env.TOKENS;
  if (raw) {
    for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [symbol, address, decimals, ...rest] = entry.split(':');
      if (!symbol || !address || decimals === undefined || rest.length) {
        throw new ConfigError('TOKENS: each entry must be SYMBOL:address:decimals');
      }
      if (!/^[A-Z0-9]{1,16}$/.test(symbol)) throw new ConfigError(`TOKENS: bad symbol "${symbol}"`);
      if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new ConfigError(`TOKENS: bad address for ${symbol}`);
      if (!/^\d+$/.test(decimals) || Number(decimals) > 36) {
        throw new ConfigError(`TOKENS: bad decimals for ${symbol}`);
      }
      if (symbol === 'ETH') throw new ConfigError('TOKENS: ETH is the native coin and always present');
      tokens[symbol] = { symbol, address, decimals: Number(decimals) };
    }
  } else if (devchain) {
    for (const [symbol, t] of Object.entries(devchain.tokens ?? {})) {
      tokens[symbol] = { symbol, address: t.address, decimals: t.decimals };
    }
  }
  return tokens;
}

function crashPoint(env: Env): CrashPoint | null {
  const raw = env.PAYRAIL_CRASH_AT;
  if (!raw) return null;
  if (!(CRASH_POINTS as readonly string[]).includes(raw)) {
    throw new ConfigError(`PAYRAIL_CRASH_AT: must be one of ${CRASH_POINTS.join(', ')}`);
  }
  if (env.NODE_ENV === 'production') throw new ConfigError('PAYRAIL_CRASH_AT: refused when NODE_ENV=production');
  return raw as CrashPoint;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): AppConfig {
  const role = (env.ROLE || 'all') as Role;
  if (!['api', 'worker', 'all'].includes(role)) throw new ConfigError(`ROLE: must be api, worker or all, got ${shown(role)}`);
  const devchainFile = resolve(env.DEVCHAIN_FILE || '.devchain.json');
  const explicitRpc = url(env, 'CHAIN_RPC_URL', undefined, ['http:', 'https:', 'ws:', 'wss:']);
  // The dev chain file is read only for the embedded dev chain (no CHAIN_RPC_URL) or when DEVCHAIN_FILE is
  // named explicitly; a leftover .devchain.json never configures a real chain.
  const devFile = !explicitRpc || (env.DEVCHAIN_FILE && !env.TOKENS) ? readDevchainFile(devchainFile) : null;
  const chainRpcUrl = explicitRpc ?? devFile?.rpcUrl;
  if (!chainRpcUrl) {
    throw new ConfigError(`CHAIN_RPC_URL: unset and no dev chain file at ${devchainFile} (run "npm run devchain")`);
  }
  const chainId = env.CHAIN_ID ? int(env, 'CHAIN_ID', 0, 1) : (devFile?.chainId ?? null);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
  const key = env.TREASURY_PRIVATE_KEY || null;
  if (key !== null && !/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new ConfigError('TREASURY_PRIVATE_KEY: expected 32 bytes of hex');
  }
  const apiKeys = pairs(env, 'API_KEYS').map((p) => ({ name: p.left, secret: p.right }));
  for (const k of apiKeys) {
    if (k.secret.length < 8) throw new ConfigError(`API_KEYS: the secret of "${k.name}" is shorter than 8 characters`);
  }
  const prefix = env.QUEUE_PREFIX || 'payrail';
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(prefix)) throw new ConfigError('QUEUE_PREFIX: letters, digits, _ and - only');
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    role,
    nodeEnv: env.NODE_ENV || 'development',
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/payrail', ['postgres:', 'postgresql:'])!,
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
    queuePrefix: prefix,
    chainRpcUrl,
    devchain: !explicitRpc,
    devchainFile,
    chainId,
    tokens: parseTokens(env, devFile),
    tokensFromDevchain: !env.TOKENS && devFile !== null,
    treasuryPrivateKey: key,
    confirmations: int(env, 'CONFIRMATIONS', 1, 1, 1000),
    claimQueueConcurrency: int(env, 'CLAIM_QUEUE_CONCURRENCY', 5, 1, 256),
    confirmPollMs: int(env, 'CONFIRM_POLL_MS', 1000, 50, 600_000),
    leaseSeconds: int(env, 'LEASE_SECONDS', 60, 2, 3600),
    stuckAfterBlocks: int(env, 'STUCK_AFTER_BLOCKS', 3, 1, 10_000),
    maxFeeGwei: int(env, 'MAX_FEE_GWEI', 500, 1, 1_000_000),
    rpcTimeoutMs: int(env, 'RPC_TIMEOUT_MS', 10_000, 100, 600_000),
    queueLockMs: int(env, 'QUEUE_LOCK_MS', 30_000, 1000, 600_000),
    payClaimAttempts: int(env, 'PAY_CLAIM_ATTEMPTS', 8, 1, 100),
    payClaimBackoffMs: int(env, 'PAY_CLAIM_BACKOFF_MS', 2000, 10, 3_600_000),
    crashAt: crashPoint(env),
    apiKeys,
    adminToken: env.ADMIN_TOKEN || null,
    webhookSecrets: pairs(env, 'WEBHOOK_SECRETS').map((p) => ({ provider: p.left, secret: p.right })),
    rlClaimsPerHourWallet: int(env, 'RL_CLAIMS_PER_HOUR_WALLET', 60, 1),
    rlPerMinIp: int(env, 'RL_PER_MIN_IP', 600, 1),
    rlWebhookPerMin: int(env, 'RL_WEBHOOK_PER_MIN', 100, 1),
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1),
    batchWindowMs: int(env, 'BATCH_WINDOW_MS', 0, 0),
    batchMax: int(env, 'BATCH_MAX', 200, 1, 1000),
    otelEnabled: bool(env, 'OTEL_ENABLED', false),
    logLevel,
    bodyLimitBytes: 64 * 1024,
  };
}
