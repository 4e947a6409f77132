import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config/config';
import type { AuthedRequest } from '../auth/auth.guard';
import { RateLimitedError } from './rate-limit.errors';

/**
 * The rate-limit policies of API.md, by route (not by controller), so a route added later is covered:
 * - `ip`: every route but the health probes, metrics, docs and inbound webhooks, per client IP, RL_PER_MIN_IP
 *   a minute, for every request that does not carry a valid API key. Counted before authentication, so guessing
 *   credentials is throttled too. The client IP is the socket's, or with TRUST_PROXY the one the trusted
 *   proxies forwarded (X-Forwarded-For): behind a proxy every client would otherwise share one budget.
 * - `api-key`: the same routes for a request whose bearer IS a valid API key, per key name, RL_PER_MIN_KEY a
 *   minute, instead of `ip`: one client (or an attacker guessing keys) behind a shared address cannot spend
 *   the budget of the authenticated clients behind it.
 * - `claims-wallet`: POST /v1/claims per wallet (the body's `wallet`, lower-cased), RL_CLAIMS_PER_HOUR_WALLET
 *   an hour. Counted only after the caller is authenticated (API key, or a verified EIP-712 signature), so
 *   nobody can spend someone else's wallet budget with unauthenticated requests.
 * - `webhook-provider`: POST /v1/webhooks/:provider per provider, RL_WEBHOOK_PER_MIN a minute, counted only
 *   once the signature is verified (WebhookRateLimits, from the intake): forged posts spend nothing of it.
 * - `webhook-failures`: failed webhook verifications per client IP, RL_WEBHOOK_FAILURES_PER_MIN_IP a minute
 *   (WebhookRateLimits): a forging IP gets 429 before any verification work.
 * Keys live under `<QUEUE_PREFIX>:rl:` in the shared Redis, so every process counts into one budget.
 */
export type PolicyName = 'ip' | 'api-key' | 'claims-wallet' | 'webhook-provider' | 'webhook-failures';

export const CLAIMS_ROUTE = '/v1/claims';
/** The `claims-wallet` window (an hour); bulk intake counts into the same budget (WalletBudget). */
export const CLAIMS_WALLET_TTL_MS = 3_600_000;
const WEBHOOKS_PREFIX = '/v1/webhooks/';
/** Probes, metrics and docs (the admin-token health routes ARE limited: a token can be guessed there too). */
const IP_EXEMPT = ['/health/live', '/health/ready', '/metrics', '/docs', WEBHOOKS_PREFIX.slice(0, -1)];

/** Policies already counted for this request (the guard runs globally and again on POST /v1/claims). */
export const RL_COUNTED = Symbol('payrail:rate-limit-counted');
/** The API key name the request's bearer verified to (null: none), computed once per request. */
export const RL_KEY = Symbol('payrail:rate-limit-key');
/** What the RateLimit headers of this request report, one entry per policy counted. */
export const RL_STATES = Symbol('payrail:rate-limit-states');

export interface PolicyState {
  name: PolicyName;
  /** quota (requests per window) */
  q: number;
  /** window, seconds */
  w: number;
  /** remaining in the current window */
  r: number;
  /** seconds until the quota resets (or the block ends) */
  t: number;
}

export type LimitedRequest = AuthedRequest & { [RL_COUNTED]?: Set<PolicyName>; [RL_STATES]?: PolicyState[]; [RL_KEY]?: string | null };

/** Verifies an API key (AuthService.clientFor): the key's name, or null. */
export type KeyVerifier = (secret: string) => string | null;

/** The name of the valid API key the request carries (`Authorization: Bearer`), or null; memoised on the request. */
export function apiKeyOf(req: LimitedRequest, verify: KeyVerifier): string | null {
  if (req[RL_KEY] !== undefined) return req[RL_KEY];
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  return (req[RL_KEY] = m ? verify(m[1]!.trim()) : null);
}

export function routeOf(req: FastifyRequest): string {
  return req.routeOptions?.url ?? req.url.split('?')[0]!;
}

export function isIpLimited(route: string): boolean {
  return !IP_EXEMPT.some((p) => route === p || route.startsWith(p + '/') || route.startsWith(p + '-'));
}

export function isWebhookRoute(req: FastifyRequest): boolean {
  return req.method === 'POST' && routeOf(req).startsWith(WEBHOOKS_PREFIX);
}

export function providerOf(req: FastifyRequest): string {
  const fromParams = (req.params as Record<string, unknown> | undefined)?.provider;
  const raw = typeof fromParams === 'string' ? fromParams : (req.url.split('?')[0]!.split('/')[3] ?? '');
  return raw.toLowerCase();
}

/** The wallet the claim is for: the verified signer of a signed claim, else the body's `wallet`. */
export function walletOf(req: AuthedRequest): string | null {
  if (req.principal?.kind === 'signed') return req.principal.wallet ? req.principal.wallet.toLowerCase() : null;
  const w = (req.body as Record<string, unknown> | null | undefined)?.wallet;
  return typeof w === 'string' && /^0x[0-9a-fA-F]{40}$/.test(w) ? w.toLowerCase() : null;
}

function counted(req: LimitedRequest, name: PolicyName): boolean {
  return req[RL_COUNTED]?.has(name) ?? false;
}

function httpRequest(ctx: ExecutionContext): LimitedRequest | null {
  return ctx.getType() === 'http' ? ctx.switchToHttp().getRequest<LimitedRequest>() : null;
}

/** Should `name` be counted for this request (at this point of the guard chain)? */
export function applies(name: PolicyName, req: LimitedRequest, verify: KeyVerifier): boolean {
  if (counted(req, name)) return false;
  switch (name) {
    case 'ip':
      return isIpLimited(routeOf(req)) && apiKeyOf(req, verify) === null;
    case 'api-key':
      return isIpLimited(routeOf(req)) && apiKeyOf(req, verify) !== null;
    case 'claims-wallet':
      return req.method === 'POST' && routeOf(req) === CLAIMS_ROUTE && !!req.principal && walletOf(req) !== null;
    case 'webhook-provider':
    case 'webhook-failures':
      return false; // counted by WebhookRateLimits, where the signature verdict is known
  }
}

function hashed(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 40);
}

/** The Redis key of a policy's budget for one tracker (an IP, a provider, a wallet), shared by all processes. */
export function rateLimitKey(config: Pick<AppConfig, 'queuePrefix'>, name: PolicyName, tracker: string): string {
  return `${config.queuePrefix}:rl:${name}:${hashed(tracker)}`;
}

/** The throttlers handed to @nestjs/throttler: limits from config, trackers and keys per policy. */
export function throttlersFor(config: AppConfig, verify: KeyVerifier): ThrottlerOptions[] {
  const skip = (name: PolicyName) => (ctx: ExecutionContext) => {
    const req = httpRequest(ctx);
    return req === null || !applies(name, req, verify);
  };
  const key = (_ctx: ExecutionContext, tracker: string, name: string) => rateLimitKey(config, name as PolicyName, tracker);
  return [
    { name: 'ip', limit: config.rlPerMinIp, ttl: 60_000, skipIf: skip('ip'), generateKey: key },
    {
      name: 'api-key',
      limit: config.rlPerMinKey,
      ttl: 60_000,
      skipIf: skip('api-key'),
      // the key's name: every secret of a key (rotation) shares its budget
      getTracker: (req) => apiKeyOf(req as LimitedRequest, verify) ?? '',
      generateKey: key,
    },
    {
      name: 'claims-wallet',
      limit: config.rlClaimsPerHourWallet,
      ttl: CLAIMS_WALLET_TTL_MS,
      skipIf: skip('claims-wallet'),
      getTracker: (req) => walletOf(req as AuthedRequest) ?? '',
      generateKey: key,
    },
  ];
}

/** IETF draft-ietf-httpapi-ratelimit-headers: `"claims-wallet";q=60;w=3600` (comma list when several apply). */
export function policyHeader(states: PolicyState[]): string {
  return states.map((s) => `"${s.name}";q=${s.q};w=${s.w}`).join(', ');
}

/** `"claims-wallet";r=12;t=1800` (comma list when several apply). */
export function rateLimitHeader(states: PolicyState[]): string {
  return states.map((s) => `"${s.name}";r=${s.r};t=${s.t}`).join(', ');
}

/** A budget's state after a throttler-storage increment (`ttlMs` its window). */
export function stateAfter(
  name: PolicyName,
  limit: number,
  ttlMs: number,
  record: { isBlocked: boolean; totalHits: number; timeToExpire: number; timeToBlockExpire: number },
): PolicyState {
  return {
    name,
    q: limit,
    w: Math.ceil(ttlMs / 1000),
    r: record.isBlocked ? 0 : Math.max(0, limit - record.totalHits),
    t: record.isBlocked ? Math.max(1, record.timeToBlockExpire) : Math.max(0, record.timeToExpire),
  };
}

/** The RateLimit-Policy and RateLimit headers of the budgets counted for a response. */
export function rateLimitHeaders(states: PolicyState[]): Record<string, string> {
  return { 'ratelimit-policy': policyHeader(states), ratelimit: rateLimitHeader(states) };
}

/** The 429 for a spent budget: its Retry-After, with the RateLimit headers of every budget counted. */
export function limitExceeded(spent: PolicyState, counted: PolicyState[] = [spent]): RateLimitedError {
  return new RateLimitedError(spent.name, spent.q, spent.w, spent.t, { ...rateLimitHeaders(counted), 'retry-after': String(spent.t) });
}
