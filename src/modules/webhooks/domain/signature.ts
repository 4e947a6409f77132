import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, pure (no I/O, the clock is a parameter).
 *
 * Standard Webhooks v1: headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, a
 * space-separated list of `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`; any one valid entry
 * accepts; the timestamp must be within 300 s of now, either way. A `whsec_<base64>` secret's key is the
 * decoded bytes (any other secret string: its UTF-8 bytes).
 * Legacy: `X-Signature: sha256=<hex HMAC-SHA256(key, raw body)>`, the key being the configured secret's
 * UTF-8 bytes as written.
 * A provider's scheme follows from its secrets (`whsec_` = Standard Webhooks, anything else = legacy; config
 * refuses a provider with both), never from whichever header a request carries: a legacy provider's request
 * with Standard Webhooks headers is `missing_headers`, and the other way round. Every comparison is constant-time and every
 * (secret, signature) pair is compared, so timing reveals neither which secret matched nor how many did.
 */
export const TOLERANCE_SEC = 300;
/** More entries than this in `webhook-signature` are refused (bounded work per request). */
export const MAX_SIGNATURES = 16;

export type Scheme = 'standard' | 'legacy';
export type VerifyFailure = 'missing_headers' | 'bad_signature' | 'bad_timestamp' | 'stale_timestamp' | 'future_timestamp';
export type VerifyResult =
  | { ok: true; scheme: Scheme; messageId: string | null }
  | { ok: false; scheme: Scheme | null; reason: VerifyFailure };

export interface ProviderKeys {
  scheme: Scheme;
  keys: Buffer[];
}

export type RequestHeaders = Record<string, string | string[] | undefined>;

export const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a Standard Webhooks secret. */
export function standardKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** The provider's scheme and HMAC keys: Standard Webhooks if its secrets are `whsec_`, else legacy. */
export function keysFor(secrets: string[]): ProviderKeys {
  if (secrets.length > 0 && secrets.every((s) => s.startsWith(SECRET_PREFIX))) return { scheme: 'standard', keys: secrets.map(standardKey) };
  if (secrets.some((s) => s.startsWith(SECRET_PREFIX))) throw new Error('a provider cannot mix whsec_ and legacy secrets');
  return { scheme: 'legacy', keys: secrets.map((s) => Buffer.from(s, 'utf8')) };
}

function header(headers: RequestHeaders, name: string): string | null {
  const v = headers[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function hmac(key: Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Constant-time: compares every candidate with every expected digest, no early exit. */
function anyMatch(candidates: Buffer[], expected: Buffer[]): boolean {
  let match = false;
  for (const c of candidates) {
    for (const e of expected) {
      const same = c.length === e.length && timingSafeEqual(c, e);
      match = same || match;
    }
  }
  return match;
}

export function verifyWebhook(keys: ProviderKeys, headers: RequestHeaders, body: Buffer, nowSec: number): VerifyResult {
  if (keys.scheme === 'standard') return verifyStandard(keys.keys, headers, body, nowSec);
  const legacy = header(headers, 'x-signature');
  if (legacy === null) return { ok: false, scheme: 'legacy', reason: 'missing_headers' };
  return verifyLegacy(keys.keys, legacy, body);
}

function verifyStandard(keys: Buffer[], headers: RequestHeaders, body: Buffer, nowSec: number): VerifyResult {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, scheme: 'standard', reason });
  if (id === null || ts === null || signature === null) return fail('missing_headers');
  if (id.length > 255) return fail('bad_signature');
  if (!/^\d{1,12}$/.test(ts)) return fail('bad_timestamp');
  const entries = signature.split(' ').filter(Boolean);
  if (entries.length > MAX_SIGNATURES) return fail('bad_signature');
  const candidates = entries
    .filter((e) => e.startsWith('v1,'))
    .map((e) => Buffer.from(e.slice(3), 'base64'));
  const expected = keys.map((k) => hmac(k, `${id}.${ts}.`, body));
  if (!anyMatch(candidates, expected)) return fail('bad_signature');
  const t = Number(ts);
  if (nowSec - t > TOLERANCE_SEC) return fail('stale_timestamp');
  if (t - nowSec > TOLERANCE_SEC) return fail('future_timestamp');
  return { ok: true, scheme: 'standard', messageId: id };
}

function verifyLegacy(keys: Buffer[], value: string, body: Buffer): VerifyResult {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!m) return { ok: false, scheme: 'legacy', reason: 'bad_signature' };
  const candidate = Buffer.from(m[1]!, 'hex');
  if (!anyMatch([candidate], keys.map((k) => hmac(k, body)))) return { ok: false, scheme: 'legacy', reason: 'bad_signature' };
  return { ok: true, scheme: 'legacy', messageId: null };
}

/** `v1,<base64>` for an outbound message (Standard Webhooks). */
export function signStandard(secret: string, messageId: string, timestampSec: number, body: string): string {
  return `v1,${hmac(standardKey(secret), `${messageId}.${timestampSec}.`, body).toString('base64')}`;
}

/** A new endpoint secret: `whsec_` + base64 of 24 random bytes. */
export function newEndpointSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}
