import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getAddress, SigningKey, Wallet } from 'ethers';
import { RemoteSignerTarget, TreasuryKey } from './treasury-key';

/**
 * The one place where the environment is read. `loadConfig` validates every key and throws a
 * ConfigError whose message is a single line naming the offending key; boot prints it and exits.
 */
export class ConfigError extends Error {}

export type Role = 'api' | 'worker' | 'all';
export const CRASH_POINTS = ['after-nonce', 'after-persist', 'after-broadcast', 'after-mined', 'after-claim-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** What an API key may do (API.md "Security rules"); a key without a scope list has them all. */
export const SCOPES = ['claims:write', 'claims:read', 'claims:cancel', 'webhooks', 'ledger:read', 'programs'] as const;
export type Scope = (typeof SCOPES)[number];
/**
 * Names that mark resources not created by an API key (a claim's `client` is `signed` for vouchers and `cycle`
 * for savings-group payouts; `admin` is the admin principal): a key with one of them would own those resources.
 */
export const RESERVED_KEY_NAMES = ['admin', 'signed', 'cycle', 'anonymous'];

export interface ApiKeyConfig {
  name: string;
  secret: string;
  /** unset (a key built in code, e.g. the dev key) = every scope, like an entry without a scope list */
  scopes?: Scope[];
}

export interface TokenConfig {
  symbol: string;
  /** null for the chain's native coin (ETH) */
  address: string | null;
  decimals: number;
}

export interface AppConfig {
  port: number;
  host: string;
  /** ROLE=worker only: serve GET /metrics on this port (0 = any free port); null = no HTTP at all */
  metricsPort: number | null;
  role: Role;
  nodeEnv: string;
  databaseUrl: string;
  /** connections in this process's main Postgres pool */
  dbPoolSize: number;
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
  /** the dev chain file's chainId when its tokens (or chain id) are used: boot checks it against the RPC */
  devchainChainId: number | null;
  /**
   * Every active key, one signer lane each (TREASURY_PRIVATE_KEY, the pool of TREASURY_PRIVATE_KEYS, or the
   * key of TREASURY_KEYSTORE), in the order given; [] = unset (finaliseForChain resolves it: dev account 0 on
   * dev chains only) or a remote signer (`remoteSigner`). Each held so no dump of the config shows it.
   */
  treasuryPrivateKeys: TreasuryKey[];
  /** where the active signers come from, named in boot's messages (TREASURY_PRIVATE_KEY when nothing is set) */
  treasuryKeysVar: 'TREASURY_PRIVATE_KEY' | 'TREASURY_PRIVATE_KEYS' | 'TREASURY_KEYSTORE' | 'REMOTE_SIGNER_URL';
  /** REMOTE_SIGNER_URL + REMOTE_SIGNER_ADDRESS: the active lanes are signed by a JSON-RPC signer holding the key; null = a local key */
  remoteSigner: RemoteSignerTarget | null;
  /** payouts one lane may have broadcast and unconfirmed before new claims wait for (or batch into) its next one */
  maxInflightPerSigner: number;
  /** keys that take no new payouts but stay loaded to replace, cancel and settle their in-flight ones (rotation) */
  retiredTreasuryKeys: TreasuryKey[];
  confirmations: number;
  /** blocks after which a mined payout is final; null = the RPC's `finalized` block, else 64 (API.md "Finality") */
  finalityDepth: number | null;
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
  apiKeys: ApiKeyConfig[];
  /** ADMIN_TOKEN: the single admin token, admin `admin` (null = unset; see `adminTokens`) */
  adminToken: string | null;
  /** ADMIN_TOKENS: named admins (`name:secret,...`); the name is the actor of what the admin does */
  adminTokens: { name: string; secret: string }[];
  webhookSecrets: { provider: string; secret: string }[];
  /** outbound webhook attempt delays in ms: [0] before the first attempt, [k] before attempt k+1 (jittered ±10%) */
  webhookRetryScheduleMs: number[];
  /** outbound webhook request timeout in ms */
  webhookDeliveryTimeoutMs: number;
  /**
   * outbound webhooks may target loopback, private, link-local and reserved addresses; null = unset, which
   * finaliseForChain resolves (true on dev chains only)
   */
  webhookAllowPrivateTargets: boolean | null;
  rlClaimsPerHourWallet: number;
  rlPerMinIp: number;
  /** requests a minute per API key (authenticated traffic is counted per key, not per IP) */
  rlPerMinKey: number;
  /**
   * Fastify's `trustProxy`: false (TRUST_PROXY unset: the socket address is the client), a hop count, or the
   * addresses/CIDRs of the proxies to trust
   */
  trustProxy: false | number | string[];
  /** outbound webhook endpoints one API key may register */
  webhookEndpointsMax: number;
  rlWebhookPerMin: number;
  /** failed inbound webhook verifications per client IP per minute before that IP gets 429 */
  rlWebhookFailuresPerMinIp: number;
  idempotencyTtlHours: number;
  /** seconds after which an in-flight Idempotency-Key record (its request crashed) may be taken over */
  idempotencyLockSeconds: number;
  /** EIP-712 vouchers signed by a claim issuer (CLAIM_ISSUERS), submitted without an API key (client `signed`) */
  allowSignedClaims: boolean;
  /** addresses whose EIP-712 signature makes a voucher (signed claim); required with ALLOW_SIGNED_CLAIMS */
  claimIssuers: string[];
  /** EIP-712 domain name of signed claims (domain: {name, version: '1', chainId}) */
  signedClaimDomainName: string;
  /** allowed CORS origins; empty = CORS off */
  corsOrigins: string[];
  batchWindowMs: number;
  batchMax: number;
  /** the batch-payout contract (BATCH_PAYOUT_ADDRESS, else the dev chain file's); null = every claim goes alone */
  batchPayoutAddress: string | null;
  /** LIMIT_PER_CLAIM: the most one claim may pay, per token symbol, in base units (decimal string); absent = no limit */
  limitPerClaim: Record<string, string>;
  /** DRIFT_TOLERANCE: per token, base units that may leave a lane behind Payrail's back before payouts of it pause; absent = no drift breaker */
  driftTolerance: Record<string, string>;
  /** LIMIT_PER_WALLET_DAY: per token, base units one wallet may be paid in any rolling 24 h; absent = no limit */
  limitPerWalletDay: Record<string, string>;
  /** LIMIT_PER_DAY: per token, base units this deployment may pay in any rolling 24 h; absent = no limit */
  limitPerDay: Record<string, string>;
  /** APPROVAL_ABOVE: per token, claims above this many base units are `held` until an admin approves them */
  approvalAbove: Record<string, string>;
  /** TREASURY_FLOOR: per token, base units a lane keeps; a lane under it (after its unmined payouts) pauses payouts of that token; absent = no floor breaker */
  treasuryFloor: Record<string, string>;
  otelEnabled: boolean;
  /** OTLP HTTP base URL (`/v1/traces` is appended unless present) */
  otelExporterOtlpEndpoint: string;
  /** the treasury's ETH balance below which /health/ready is 503 (decimal ETH, e.g. "0.05") */
  minSignerEth: string;
  /** reconciliation tick (ledger drift, imbalance, signer balances, nonce gauges) in ms */
  reconcileEveryMs: number;
  logLevel: string;
  /** write log lines to this file instead of stdout (unset = stdout) */
  logFile: string | null;
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

function bool<D extends boolean | null>(env: Env, key: string, def: D): boolean | D {
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

/** Two RPC URLs name the same endpoint (WHATWG-normalised: case of scheme and host, default port, trailing slash). */
export function sameRpcUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** The token list in one boot line, with where it came from: `tokens: ETH (native), USDC 0x… (6 decimals) (from TOKENS)`. */
export function tokensLine(config: Pick<AppConfig, 'tokens' | 'tokensFromDevchain' | 'devchainFile'>): string {
  const list = Object.values(config.tokens).map((t) => (t.address === null ? `${t.symbol} (native)` : `${t.symbol} ${t.address} (${t.decimals} decimals)`));
  const source = config.tokensFromDevchain
    ? `from ${config.devchainFile}`
    : list.length > 1
      ? 'from TOKENS'
      : 'TOKENS unset and no dev chain file for this RPC: ETH only';
  return `tokens: ${list.join(', ')} (${source})`;
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

/**
 * A per-token amount list (`USDC:1000,ETH:0.5`, API.md "Treasury controls") as base units per symbol. Each
 * symbol must be a configured token (ETH always is), each amount a positive decimal with no more decimals than
 * the token has; a symbol named twice is refused. Unset or empty: no entry.
 */
function perTokenAmounts(env: Env, key: string, tokens: Record<string, TokenConfig>, zeroAllowed = false): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = (env[key] ?? '').trim();
  if (raw === '') return out;
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9]{1,16}):(\d{1,60})(?:\.(\d{1,36}))?$/.exec(entry);
    if (!m) throw new ConfigError(`${key}: each entry must be SYMBOL:amount such as USDC:1000 or ETH:0.5, got ${shown(entry)}`);
    const symbol = m[1]!.toUpperCase();
    const token = symbol === 'ETH' ? { decimals: 18 } : tokens[symbol];
    if (!token) throw new ConfigError(`${key}: ${symbol} is not a configured token (${['ETH', ...Object.keys(tokens).filter((t) => t !== 'ETH')].join(', ')})`);
    const frac = m[3] ?? '';
    if (frac.length > token.decimals) throw new ConfigError(`${key}: ${symbol} has ${token.decimals} decimals, ${shown(entry)} has more`);
    if (symbol in out) throw new ConfigError(`${key}: ${symbol} is named twice`);
    const base = BigInt(m[2]! + frac.padEnd(token.decimals, '0'));
    if (base === 0n && !zeroAllowed) throw new ConfigError(`${key}: the ${symbol} limit must be greater than zero`);
    out[symbol] = base.toString();
  }
  return out;
}

/** BATCH_PAYOUT_ADDRESS, else the dev chain file's contract; null (batching off) when neither names one. */
function batchPayoutAddress(env: Env, devchain: DevchainFile | null): string | null {
  const raw = env.BATCH_PAYOUT_ADDRESS || devchain?.batchPayout || null;
  if (raw === null) return null;
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) throw new ConfigError('BATCH_PAYOUT_ADDRESS: expected a 0x-prefixed 20-byte hex address');
  return raw;
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

/** CORS_ORIGINS: comma list of origins (`https://app.example.com`) or `*`; unset = CORS off. */
function corsOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS;
  if (!raw) return [];
  const out = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of out) {
    if (o === '*') continue;
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new ConfigError(`CORS_ORIGINS: ${shown(o)} is not an origin such as https://app.example.com`);
    }
    if (!['http:', 'https:'].includes(u.protocol) || u.origin !== o.replace(/\/$/, '')) {
      throw new ConfigError(`CORS_ORIGINS: ${shown(o)} is not an origin such as https://app.example.com`);
    }
  }
  if (out.includes('*') && out.length > 1) throw new ConfigError('CORS_ORIGINS: "*" cannot be combined with other origins');
  return out.map((o) => o.replace(/\/$/, ''));
}

function domainName(env: Env): string {
  const raw = env.SIGNED_CLAIM_DOMAIN_NAME ?? '';
  if (raw === '') return 'Payrail';
  if (raw.length > 64 || !/^[\x20-\x7e]+$/.test(raw)) throw new ConfigError('SIGNED_CLAIM_DOMAIN_NAME: 1 to 64 printable ASCII characters');
  return raw;
}

/** MIN_SIGNER_ETH: a non-negative decimal ETH amount with at most 18 decimals. */
function ethAmount(env: Env, key: string, def: string): string {
  const raw = (env[key] ?? '').trim();
  if (raw === '') return def;
  if (!/^\d{1,12}(\.\d{1,18})?$/.test(raw)) throw new ConfigError(`${key}: expected a decimal ETH amount such as "0.05", got ${shown(raw)}`);
  return raw;
}

/** WEBHOOK_RETRY_SCHEDULE: comma list of delays (`250ms`, `5s`, `5m`, `2h`; a bare number is ms), 1..20 entries. */
function retrySchedule(env: Env): number[] {
  const raw = (env.WEBHOOK_RETRY_SCHEDULE ?? '').trim() || '0,5s,5m,30m,2h,5h,10h,10h';
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const out = raw.split(',').map((part) => {
    const m = /^(\d{1,9})(ms|s|m|h)?$/.exec(part.trim());
    if (!m) throw new ConfigError(`WEBHOOK_RETRY_SCHEDULE: ${shown(part.trim())} is not a delay such as 0, 5s, 5m or 2h`);
    const ms = Number(m[1]) * unit[m[2] ?? 'ms']!;
    if (ms > 7 * 24 * 3_600_000) throw new ConfigError('WEBHOOK_RETRY_SCHEDULE: each delay must be at most 7 days');
    return ms;
  });
  if (out.length > 20) throw new ConfigError('WEBHOOK_RETRY_SCHEDULE: at most 20 attempts');
  return out;
}

/**
 * Which dev chain file, if any, configures this process (README "Configuration", `TOKENS`):
 * - no CHAIN_RPC_URL: the file is the dev chain (RPC, chain id, tokens);
 * - CHAIN_RPC_URL and TOKENS set: none, TOKENS is the token list;
 * - CHAIN_RPC_URL set, TOKENS unset: DEVCHAIN_FILE when it is named (an explicit choice, e.g. through an RPC
 *   proxy), else the default .devchain.json only when its `rpcUrl` is this CHAIN_RPC_URL: a leftover file of
 *   another node never configures a chain. Either way boot checks the file's chainId against the RPC, and the
 *   file is refused on chains other than 31337/1337; boot prints the resulting token list in one line.
 */
function devchainFileInUse(env: Env, path: string, explicitRpc: string | undefined): DevchainFile | null {
  if (!explicitRpc) return readDevchainFile(path);
  if (env.TOKENS) return null;
  const file = readDevchainFile(path);
  if (!file) return null;
  return env.DEVCHAIN_FILE || sameRpcUrl(file.rpcUrl, explicitRpc) ? file : null;
}

const SCOPE_LIST = /^[a-z]+(?::[a-z]+)?(?:\+[a-z]+(?::[a-z]+)?)*$/;

/**
 * One API_KEYS entry after its name: `secret` or `secret:scope+scope`. The scope list is the tail after the
 * first `:` that reads as one (lower-case words, `claims:read+webhooks`); it is then checked against SCOPES, so
 * a typo stops boot instead of granting every scope. A secret may contain `:` as long as no tail of it reads as
 * a scope list.
 */
function apiKey(name: string, rest: string): ApiKeyConfig {
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    const tail = rest.slice(i + 1);
    if (!SCOPE_LIST.test(tail)) continue;
    const scopes = [...new Set(tail.split('+'))];
    const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown) throw new ConfigError(`API_KEYS: unknown scope ${shown(unknown)} for key "${name}" (scopes: ${SCOPES.join(', ')})`);
    return { name, secret: rest.slice(0, i), scopes: scopes as Scope[] };
  }
  return { name, secret: rest, scopes: [...SCOPES] };
}

/** TRUST_PROXY: unset/false = trust none; an integer = that many hops; else a comma list of IPs or CIDRs. */
function trustProxy(env: Env): false | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || /^(false|0|no)$/i.test(raw)) return false;
  if (/^\d+$/.test(raw)) return int(env, 'TRUST_PROXY', 0, 1, 100);
  if (/^(true|yes)$/i.test(raw)) {
    throw new ConfigError('TRUST_PROXY: "true" would trust any client\'s X-Forwarded-For; give the hop count or the proxies\' IPs/CIDRs');
  }
  const out = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of out) {
    const [addr, bits, ...more] = a.split('/');
    const v4 = /^(\d{1,3})(\.\d{1,3}){3}$/.test(addr!) && addr!.split('.').every((o) => Number(o) <= 255);
    const v6 = !v4 && /^[0-9a-fA-F:.]+$/.test(addr!) && addr!.includes(':');
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128));
    if ((!v4 && !v6) || !okBits || more.length) {
      throw new ConfigError(`TRUST_PROXY: ${shown(a)} is not a hop count, an IP address or a CIDR such as 10.0.0.0/8`);
    }
  }
  return out;
}

/** An admin token shorter than this is refused: it opens every admin route and the queue board. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** A webhook secret's HMAC key (decoded bytes of a `whsec_` secret, else the string's UTF-8 bytes) is at least this long. */
export const MIN_WEBHOOK_SECRET_BYTES = 24;

/** An admin's name (ADMIN_TOKENS): the actor in audit trails, so a plain word. */
const ADMIN_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * ADMIN_TOKENS (API.md "Treasury controls"): `name:secret,...`, each secret as long as ADMIN_TOKEN's must be;
 * names unique, never an API key's name (a claim an admin creates is owned by its name), and `admin` only when
 * ADMIN_TOKEN is unset (ADMIN_TOKEN is admin `admin`). Messages name the admin, never the secret.
 */
function adminTokens(env: Env, single: string | null, apiKeyNames: string[]): { name: string; secret: string }[] {
  const out = pairs(env, 'ADMIN_TOKENS').map((p) => ({ name: p.left, secret: p.right }));
  const seen = new Set<string>();
  for (const a of out) {
    if (!ADMIN_NAME_RE.test(a.name)) throw new ConfigError(`ADMIN_TOKENS: ${shown(a.name)} is not a name (letters, digits, _ . - up to 64)`);
    if (a.secret.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new ConfigError(`ADMIN_TOKENS: the token of "${a.name}" must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters; generate one with: openssl rand -hex 24`);
    }
    if (seen.has(a.name.toLowerCase())) throw new ConfigError(`ADMIN_TOKENS: the name "${a.name}" is given twice`);
    seen.add(a.name.toLowerCase());
    if (a.name.toLowerCase() === 'admin' && single !== null) throw new ConfigError('ADMIN_TOKENS: "admin" is the name of ADMIN_TOKEN; name this admin otherwise or unset ADMIN_TOKEN');
    if (apiKeyNames.some((n) => n.toLowerCase() === a.name.toLowerCase())) {
      throw new ConfigError(`ADMIN_TOKENS: "${a.name}" is also an API key's name; an admin and a key must not share a name (both own what they create)`);
    }
  }
  const secrets = out.map((a) => a.secret).concat(single ?? []);
  if (new Set(secrets).size !== secrets.length) throw new ConfigError('ADMIN_TOKENS: two admins share one token (each admin needs its own, or the audit trail cannot tell them apart)');
  return out;
}

function adminToken(env: Env): string | null {
  const raw = env.ADMIN_TOKEN || null;
  if (raw !== null && raw.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(`ADMIN_TOKEN: must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (got ${raw.length}); generate one with: openssl rand -hex 24`);
  }
  return raw;
}

/**
 * WEBHOOK_SECRETS: `provider:secret,...`. A `whsec_<base64>` secret (Standard Webhooks) must decode to at least
 * 24 bytes, any other secret (legacy X-Signature) must be at least 24 bytes as written: an empty or short key
 * is an HMAC anyone can compute. A provider's scheme follows from its secrets, so one provider cannot mix both
 * kinds. Messages name the provider, never the secret.
 */
function webhookSecrets(env: Env): { provider: string; secret: string }[] {
  const out = pairs(env, 'WEBHOOK_SECRETS').map((p) => ({ provider: p.left, secret: p.right }));
  const kinds = new Map<string, Set<'standard' | 'legacy'>>();
  for (const { provider, secret } of out) {
    const standard = secret.startsWith('whsec_');
    let bytes: number;
    if (standard) {
      const b64 = secret.slice('whsec_'.length);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
        throw new ConfigError(`WEBHOOK_SECRETS: the whsec_ secret of provider ${shown(provider)} is not valid base64`);
      }
      bytes = Buffer.from(b64, 'base64').length;
    } else {
      bytes = Buffer.byteLength(secret, 'utf8');
    }
    if (bytes < MIN_WEBHOOK_SECRET_BYTES) {
      throw new ConfigError(
        `WEBHOOK_SECRETS: the secret of provider ${shown(provider)} is ${bytes} bytes${standard ? ' decoded' : ''}; at least ${MIN_WEBHOOK_SECRET_BYTES} are required`,
      );
    }
    const set = kinds.get(provider) ?? new Set();
    set.add(standard ? 'standard' : 'legacy');
    kinds.set(provider, set);
    if (set.size > 1) {
      throw new ConfigError(`WEBHOOK_SECRETS: provider ${shown(provider)} has both whsec_ (Standard Webhooks) and legacy secrets; its scheme follows from its secrets, use one kind`);
    }
  }
  return out;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * A comma list of private keys (TREASURY_PRIVATE_KEYS, RETIRED_TREASURY_KEYS): each 32 bytes of hex and a
 * valid secp256k1 key, no key twice. Returned 0x-prefixed and lower-cased, so equal keys compare equal.
 * Messages name the key and the entry's position, never the value.
 */
function privateKeys(env: Env, key: string): string[] {
  const raw = env[key] ?? '';
  if (raw.trim() === '') return [];
  const entries = raw.split(',').map((k) => k.trim());
  if (entries.every((k) => k === '')) throw new ConfigError(`${key}: no key in the list`);
  const position = new Map<string, number>();
  entries.forEach((k, i) => {
    if (k === '') return; // a trailing or doubled comma
    const hex = privateKey(k, `${key}: entry ${i + 1}`);
    const earlier = position.get(hex);
    if (earlier !== undefined) throw new ConfigError(`${key}: entry ${i + 1} repeats entry ${earlier} (each key is listed once)`);
    position.set(hex, i + 1);
  });
  return [...position.keys()];
}

/** One private key, 0x-prefixed and lower-cased; `what` names it in the message (the value never is). */
function privateKey(raw: string, what: string): string {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(raw)) throw new ConfigError(`${what}: expected 32 bytes of hex`);
  const hex = `0x${raw.replace(/^0x/, '').toLowerCase()}`;
  try {
    SigningKey.computePublicKey(hex); // ethers refuses a key outside [1, n) of secp256k1
  } catch {
    throw new ConfigError(`${what}: not a valid secp256k1 private key`);
  }
  return hex;
}

/**
 * The active signers: TREASURY_PRIVATE_KEY (one lane), TREASURY_PRIVATE_KEYS (a pool), TREASURY_KEYSTORE (one
 * lane, the key decrypted here) or REMOTE_SIGNER_URL (the key never enters the process), exactly one of them
 * (two sources: which one is meant would be a guess), and none of them also in RETIRED_TREASURY_KEYS. That
 * overlap is refused rather than the retired entry ignored: it is a rotation half done (the key was meant to
 * stop taking payouts, or meant to stay), and guessing either way would silently keep paying from a key the
 * operator means to drain, or keep a wanted lane idle. Retired keys are raw keys whatever the active source
 * (a rotation from a raw key to a remote signer keeps the old key loaded for its in-flight payouts).
 */
function treasuryKeys(env: Env): { active: TreasuryKey[]; retired: TreasuryKey[]; remote: RemoteSignerTarget | null; from: AppConfig['treasuryKeysVar'] } {
  const single = (env.TREASURY_PRIVATE_KEY ?? '').trim();
  const pool = privateKeys(env, 'TREASURY_PRIVATE_KEYS');
  if (single !== '' && pool.length > 0) {
    throw new ConfigError('TREASURY_PRIVATE_KEYS: set together with TREASURY_PRIVATE_KEY; set only one (a pool: every key in TREASURY_PRIVATE_KEYS)');
  }
  const localSource = single !== '' ? 'TREASURY_PRIVATE_KEY' : pool.length > 0 ? 'TREASURY_PRIVATE_KEYS' : (env.TREASURY_KEYSTORE ?? '').trim() !== '' ? 'TREASURY_KEYSTORE' : null;
  // checked before the keystore is decrypted: a conflict is reported without reading a password
  const remote = remoteSigner(env, localSource);
  const keystore = remote ? null : keystoreKey(env, single !== '' || pool.length > 0);
  const active = keystore ? [keystore] : pool.length > 0 ? pool : single !== '' ? [privateKey(single, 'TREASURY_PRIVATE_KEY')] : [];
  const retired = privateKeys(env, 'RETIRED_TREASURY_KEYS');
  const activeName = remote ? 'REMOTE_SIGNER_URL' : keystore ? 'TREASURY_KEYSTORE' : pool.length > 0 ? 'TREASURY_PRIVATE_KEYS' : 'TREASURY_PRIVATE_KEY';
  const retiredKeys = retired.map((k) => new TreasuryKey(k));
  retired.forEach((k, i) => {
    if (active.includes(k) || remote?.addresses.includes(retiredKeys[i]!.address)) {
      throw new ConfigError(`RETIRED_TREASURY_KEYS: entry ${i + 1} is also an active key (${activeName === 'REMOTE_SIGNER_URL' ? 'REMOTE_SIGNER_ADDRESS' : activeName}); a key is either active or retired, remove it from one list`);
    }
  });
  return { active: active.map((k) => new TreasuryKey(k)), retired: retiredKeys, remote, from: activeName };
}

/**
 * REMOTE_SIGNER_URL + REMOTE_SIGNER_ADDRESS (API.md "Treasury controls"): every signature of the active lanes
 * is a JSON-RPC `eth_signTransaction` to that URL (Web3Signer, Clef, ...), so no active key is in this process.
 * REMOTE_SIGNER_ADDRESS is the account it signs for (a comma list: one lane each, all on the same signer); what
 * comes back is checked against it and against the request (RemoteSigner). Null when REMOTE_SIGNER_URL is unset.
 * The URL may carry credentials: no message shows it (the value of a bad URL is not echoed either).
 */
function remoteSigner(env: Env, localSource: string | null): RemoteSignerTarget | null {
  const raw = (env.REMOTE_SIGNER_URL ?? '').trim();
  const addressList = (env.REMOTE_SIGNER_ADDRESS ?? '').trim();
  if (raw === '') {
    if (addressList !== '') throw new ConfigError('REMOTE_SIGNER_URL: required with REMOTE_SIGNER_ADDRESS (the JSON-RPC signer that holds its key)');
    return null;
  }
  if (localSource) {
    throw new ConfigError(`REMOTE_SIGNER_URL: set together with ${localSource}; set only one source of the active key (a remote signer holds it outside this process)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('REMOTE_SIGNER_URL: not a valid URL');
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new ConfigError('REMOTE_SIGNER_URL: protocol must be one of http:, https:');
  if (addressList === '') throw new ConfigError('REMOTE_SIGNER_ADDRESS: required with REMOTE_SIGNER_URL (the address whose key the remote signer holds)');
  const addresses: string[] = [];
  addressList.split(',').map((a) => a.trim()).forEach((a, i) => {
    if (a === '') return; // a trailing or doubled comma
    let address: string;
    try {
      if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error('not hex');
      address = getAddress(a); // a mixed-case address must carry a valid checksum
    } catch {
      throw new ConfigError(`REMOTE_SIGNER_ADDRESS: entry ${i + 1} ${shown(a)} is not an address`);
    }
    if (addresses.includes(address)) throw new ConfigError(`REMOTE_SIGNER_ADDRESS: entry ${i + 1} repeats an earlier entry (each address is listed once)`);
    addresses.push(address);
  });
  if (addresses.length === 0) throw new ConfigError('REMOTE_SIGNER_ADDRESS: no address in the list');
  return new RemoteSignerTarget(raw, addresses, int(env, 'REMOTE_SIGNER_TIMEOUT_MS', 5000, 100, 60_000));
}

/** Read at boot and then removed from process.env (loadBootConfig): nothing later re-reads them. */
export const SECRET_ENV_KEYS = ['TREASURY_PRIVATE_KEY', 'TREASURY_PRIVATE_KEYS', 'RETIRED_TREASURY_KEYS', 'REMOTE_SIGNER_URL'] as const;

/**
 * The config of this process, from `env` (process.env), after which the key variables (and the remote
 * signer's URL, which may carry credentials) are deleted from it, whether the parse succeeded or not: the
 * config holds them (TreasuryKey, RemoteSignerTarget), nothing reads them again (the app spawns no child that
 * would need them; scripts/start.js hands them to the app, then drops its own), and a later dump of the
 * environment (a crash reporter, `/proc/self/environ` aside, a debug endpoint) then shows none.
 */
export function loadBootConfig(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } finally {
    for (const key of SECRET_ENV_KEYS) delete env[key];
  }
}

/**
 * TREASURY_KEYSTORE (API.md "Treasury controls"): the active key from an encrypted JSON keystore (Web3 Secret
 * Storage, as geth, clef and ethers write it), its password read from TREASURY_KEYSTORE_PASSWORD_FILE (one
 * trailing newline ignored), so no key is in the environment. Null when unset. Every failure is one line that
 * names the key and never shows the password or the key.
 */
function keystoreKey(env: Env, rawKeySet: boolean): string | null {
  const path = (env.TREASURY_KEYSTORE ?? '').trim();
  if (path === '') return null;
  if (rawKeySet) throw new ConfigError('TREASURY_KEYSTORE: set together with TREASURY_PRIVATE_KEY(S); set only one source of the active key');
  const passwordFile = (env.TREASURY_KEYSTORE_PASSWORD_FILE ?? '').trim();
  if (passwordFile === '') throw new ConfigError('TREASURY_KEYSTORE_PASSWORD_FILE: required with TREASURY_KEYSTORE (a file holding the keystore password)');
  let json: string;
  let password: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`TREASURY_KEYSTORE: cannot read ${path}`);
  }
  try {
    password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new ConfigError(`TREASURY_KEYSTORE_PASSWORD_FILE: cannot read ${passwordFile}`);
  }
  try {
    return Wallet.fromEncryptedJsonSync(json, password).privateKey.toLowerCase();
  } catch {
    throw new ConfigError(`TREASURY_KEYSTORE: cannot decrypt ${path}: wrong password (TREASURY_KEYSTORE_PASSWORD_FILE) or not an encrypted JSON keystore`);
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const role = (env.ROLE || 'all') as Role;
  if (!['api', 'worker', 'all'].includes(role)) throw new ConfigError(`ROLE: must be api, worker or all, got ${shown(role)}`);
  const devchainFile = resolve(env.DEVCHAIN_FILE || '.devchain.json');
  const explicitRpc = url(env, 'CHAIN_RPC_URL', undefined, ['http:', 'https:', 'ws:', 'wss:']);
  const devFile = devchainFileInUse(env, devchainFile, explicitRpc);
  const chainRpcUrl = explicitRpc ?? devFile?.rpcUrl;
  if (!chainRpcUrl) {
    throw new ConfigError(`CHAIN_RPC_URL: unset and no dev chain file at ${devchainFile} (run "npm run devchain")`);
  }
  const chainId = env.CHAIN_ID ? int(env, 'CHAIN_ID', 0, 1) : (devFile?.chainId ?? null);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
  const keys = treasuryKeys(env);
  const allowSignedClaims = bool(env, 'ALLOW_SIGNED_CLAIMS', false);
  const claimIssuers = (env.CLAIM_ISSUERS ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of claimIssuers) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new ConfigError(`CLAIM_ISSUERS: ${shown(a)} is not an address`);
  }
  if (allowSignedClaims && claimIssuers.length === 0) {
    throw new ConfigError('CLAIM_ISSUERS: required with ALLOW_SIGNED_CLAIMS=true (the addresses whose signature makes a voucher)');
  }
  const apiKeys = pairs(env, 'API_KEYS').map((p) => apiKey(p.left, p.right));
  for (const k of apiKeys) {
    if (k.secret.length < 8) throw new ConfigError(`API_KEYS: the secret of "${k.name}" is shorter than 8 characters`);
    if (RESERVED_KEY_NAMES.includes(k.name.toLowerCase())) {
      throw new ConfigError(`API_KEYS: the key name "${k.name}" is reserved (${RESERVED_KEY_NAMES.join(', ')} name resources no key created)`);
    }
  }
  const prefix = env.QUEUE_PREFIX || 'payrail';
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(prefix)) throw new ConfigError('QUEUE_PREFIX: letters, digits, _ and - only');
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    metricsPort: env.METRICS_PORT === undefined || env.METRICS_PORT === '' ? null : int(env, 'METRICS_PORT', 0, 0, 65535),
    host: env.HOST || '0.0.0.0',
    role,
    nodeEnv: env.NODE_ENV || 'development',
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/payrail', ['postgres:', 'postgresql:'])!,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 2, 500),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
    queuePrefix: prefix,
    chainRpcUrl,
    devchain: !explicitRpc,
    devchainFile,
    chainId,
    tokens: parseTokens(env, devFile),
    tokensFromDevchain: !env.TOKENS && devFile !== null,
    devchainChainId: devFile?.chainId ?? null,
    treasuryPrivateKeys: keys.active,
    treasuryKeysVar: keys.from,
    remoteSigner: keys.remote,
    maxInflightPerSigner: int(env, 'MAX_INFLIGHT_PER_SIGNER', 16, 1, 1000),
    retiredTreasuryKeys: keys.retired,
    confirmations: int(env, 'CONFIRMATIONS', 1, 1, 1000),
    finalityDepth: env.FINALITY_DEPTH === undefined || env.FINALITY_DEPTH === '' ? null : int(env, 'FINALITY_DEPTH', 64, 1, 100_000),
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
    adminToken: adminToken(env),
    adminTokens: adminTokens(env, adminToken(env), apiKeys.map((k) => k.name)),
    webhookSecrets: webhookSecrets(env),
    webhookRetryScheduleMs: retrySchedule(env),
    webhookDeliveryTimeoutMs: int(env, 'WEBHOOK_DELIVERY_TIMEOUT_MS', 10_000, 100, 60_000),
    webhookAllowPrivateTargets: bool(env, 'WEBHOOK_ALLOW_PRIVATE_TARGETS', null),
    rlClaimsPerHourWallet: int(env, 'RL_CLAIMS_PER_HOUR_WALLET', 60, 1),
    rlPerMinIp: int(env, 'RL_PER_MIN_IP', 600, 1),
    rlPerMinKey: int(env, 'RL_PER_MIN_KEY', 6000, 1),
    trustProxy: trustProxy(env),
    webhookEndpointsMax: int(env, 'WEBHOOK_ENDPOINTS_MAX', 20, 1, 10_000),
    rlWebhookPerMin: int(env, 'RL_WEBHOOK_PER_MIN', 100, 1),
    rlWebhookFailuresPerMinIp: int(env, 'RL_WEBHOOK_FAILURES_PER_MIN_IP', 20, 1),
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1),
    idempotencyLockSeconds: int(env, 'IDEMPOTENCY_LOCK_SECONDS', 60, 1, 3600),
    allowSignedClaims,
    claimIssuers: claimIssuers.map((a) => a.toLowerCase()),
    signedClaimDomainName: domainName(env),
    corsOrigins: corsOrigins(env),
    batchWindowMs: int(env, 'BATCH_WINDOW_MS', 0, 0),
    batchMax: int(env, 'BATCH_MAX', 200, 1, 1000),
    batchPayoutAddress: batchPayoutAddress(env, devFile),
    limitPerClaim: perTokenAmounts(env, 'LIMIT_PER_CLAIM', parseTokens(env, devFile)),
    driftTolerance: perTokenAmounts(env, 'DRIFT_TOLERANCE', parseTokens(env, devFile), true),
    limitPerWalletDay: perTokenAmounts(env, 'LIMIT_PER_WALLET_DAY', parseTokens(env, devFile)),
    limitPerDay: perTokenAmounts(env, 'LIMIT_PER_DAY', parseTokens(env, devFile)),
    approvalAbove: perTokenAmounts(env, 'APPROVAL_ABOVE', parseTokens(env, devFile), true),
    treasuryFloor: perTokenAmounts(env, 'TREASURY_FLOOR', parseTokens(env, devFile)),
    otelEnabled: bool(env, 'OTEL_ENABLED', false),
    otelExporterOtlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318', ['http:', 'https:'])!,
    minSignerEth: ethAmount(env, 'MIN_SIGNER_ETH', '0.05'),
    reconcileEveryMs: int(env, 'RECONCILE_EVERY_MS', 15_000, 100, 3_600_000),
    logLevel,
    logFile: env.LOG_FILE || null,
    bodyLimitBytes: 64 * 1024,
  };
}
