/**
 * Hosted RPC URLs carry the provider's key in the path (`https://eth-mainnet.example/v2/<key>`), the query
 * (`?apikey=<key>`) or the user info (`https://user:<key>@host`). ethers puts the whole URL in its error
 * messages (`requestUrl` on any non-2xx answer), so anything that prints an RPC error could print the key.
 * One function removes it: every configured RPC URL is registered (createProvider, the root logger) and
 * `redactRpcUrl` replaces, in any text, the URL with its origin and `/[REDACTED]`, and each secret-looking
 * part of it (the path and query, a long path segment or query value, the credentials) with `[REDACTED]`.
 * Used where RPC errors become strings (rpcErrorMessage, the provider's own errors, health messages) and by
 * the log formatter as the last line of defence.
 */
const REDACTED = '[REDACTED]';
/** Path segments and query values at least this long are treated as keys (API keys are 20..64 characters). */
const MIN_KEY_PART = 12;

const registered = new Set<string>();
let pattern: RegExp | null = null;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** `scheme://host[:port]`, what may be logged about an RPC URL. */
export function rpcHost(url: string): string {
  const u = parse(url);
  return u ? `${u.protocol}//${u.host}` : REDACTED;
}

/** The parts of an RPC URL that may be (or contain) a key, longest first. */
export function rpcUrlSecrets(url: string): string[] {
  const u = parse(url);
  if (!u) return url ? [url] : [];
  const out = new Set<string>();
  const pathAndQuery = `${u.pathname}${u.search}`;
  if (pathAndQuery !== '/' && pathAndQuery !== '') {
    out.add(`${u.protocol}//${u.host}${pathAndQuery}`);
    out.add(url.replace(/\/+$/, ''));
    out.add(pathAndQuery);
    if (u.pathname.length > 1) out.add(u.pathname);
    if (u.search.length > 1) out.add(u.search.slice(1));
  }
  for (const seg of u.pathname.split('/')) {
    if (seg.length >= MIN_KEY_PART) {
      out.add(seg);
      try {
        out.add(decodeURIComponent(seg));
      } catch {
        /* not percent-encoded */
      }
    }
  }
  for (const [, v] of u.searchParams) if (v.length >= MIN_KEY_PART) out.add(v);
  if (u.password) out.add(u.password);
  if (u.username && (u.username.length >= MIN_KEY_PART || u.password)) out.add(u.username);
  if (u.password || u.username) out.add(url);
  return [...out].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** Makes `url`'s key parts redacted everywhere `redactRpcUrl` is used (idempotent). */
export function registerRpcUrl(url: string): void {
  if (registered.has(url)) return;
  registered.add(url);
  const parts = [...new Set([...registered].flatMap(rpcUrlSecrets))].sort((a, b) => b.length - a.length);
  pattern = parts.length ? new RegExp(parts.map(escapeRegExp).join('|'), 'g') : null;
}

/**
 * `text` with every registered RPC URL's key parts replaced (`https://host/[REDACTED]` for the whole URL).
 * Pass `url` to register it first.
 */
export function redactRpcUrl(text: string, url?: string): string {
  if (url) registerRpcUrl(url);
  if (!pattern || !text) return text;
  return text.replace(pattern, (m) => {
    const u = parse(m);
    return u && /^[a-z]+:\/\//i.test(m) ? `${u.protocol}//${u.host}/${REDACTED}` : REDACTED;
  });
}

/**
 * Removes the RPC URL from an ethers error in place (its message, `info.requestUrl`, nested errors) and
 * returns it, so whatever later prints or stores the error (messages, `lastError`, BullMQ's failedReason)
 * never sees the key. Read-only fields are left alone (ethers' `shortMessage` never holds the URL).
 */
export function redactRpcError<E>(err: E): E {
  const seen = new Set<unknown>();
  const scrub = (o: unknown, depth: number) => {
    if (!o || typeof o !== 'object' || seen.has(o) || depth > 4) return;
    seen.add(o);
    for (const key of ['message', 'requestUrl', 'url', 'body', 'responseBody', 'stack']) {
      const v = (o as Record<string, unknown>)[key];
      if (typeof v !== 'string') continue;
      const clean = redactRpcUrl(v);
      if (clean === v) continue;
      try {
        Object.defineProperty(o, key, { value: clean, writable: true, configurable: true, enumerable: key !== 'stack' && key !== 'message' ? true : false });
      } catch {
        /* frozen: leave it */
      }
    }
    for (const key of ['info', 'error', 'cause', 'response', 'request']) scrub((o as Record<string, unknown>)[key], depth + 1);
  };
  scrub(err, 0);
  return err;
}
