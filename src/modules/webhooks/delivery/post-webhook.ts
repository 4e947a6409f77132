import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, isRefusedHost } from '../domain/target-address';

export type PostResult =
  /** any HTTP answer, 3xx included: redirects are not followed */
  | { kind: 'response'; statusCode: number }
  /** private targets are not allowed and the host is, or resolved to, a non-public address: nothing was sent */
  | { kind: 'refused'; host: string }
  /** no answer: a timeout, a DNS or connection error (described without the URL) */
  | { kind: 'error'; error: string };

export interface PostOptions {
  timeoutMs: number;
  /** false: connect only to public addresses (see target-address.ts) */
  allowPrivateTargets: boolean;
}

class NotPublicAddressError extends Error {}

/**
 * The `lookup` of the request's socket when private targets are not allowed. The socket connects to the
 * addresses checked here, so a name that resolves (or re-resolves, DNS rebinding) to a private address is
 * refused however it resolved before. Every address must be public: the socket may try any of them.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
    if (err) return callback(err, '');
    if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) return callback(new NotPublicAddressError(hostname), '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // the code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …) rather than a message that could quote the target
  return `request failed: ${String(e?.code ?? e?.message ?? 'unknown error').slice(0, 200)}`;
}

/**
 * POSTs `body` to `url` once on a fresh connection (no pooled socket from an earlier resolution): no
 * redirects followed, the response body discarded, `timeoutMs` until the response headers arrive.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, opts: PostOptions): Promise<PostResult> {
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    try {
      const target = new URL(url);
      // Node does not call `lookup` for an IP literal, so those (and localhost) are checked here
      if (!opts.allowPrivateTargets && isRefusedHost(target.hostname)) return done({ kind: 'refused', host: target.hostname });
      const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: false,
          signal: AbortSignal.timeout(opts.timeoutMs),
          // dns.lookup is Node's default; named here so both paths resolve through the same function
          lookup: opts.allowPrivateTargets ? dnsLookup : publicOnlyLookup,
        },
        (res) => {
          done({ kind: 'response', statusCode: res.statusCode ?? 0 });
          res.destroy();
        },
      );
      req.on('error', (err) => done(err instanceof NotPublicAddressError ? { kind: 'refused', host: target.hostname } : { kind: 'error', error: describeError(err, opts.timeoutMs) }));
      req.end(body);
    } catch (err) {
      done({ kind: 'error', error: describeError(err, opts.timeoutMs) });
    }
  });
}
