/**
 * The transport under the generated client: every POST carries an `Idempotency-Key` (one per logical call,
 * the same on each retry of it), and a call is retried when retrying is safe and may help. Payrail's
 * contract (README "Idempotency and retries"): retry a POST with the SAME key after a timeout, a connection
 * error, a 409 `IDEMPOTENCY.IN_FLIGHT`, a 429 (after `Retry-After`) or a 5xx; never after any other 4xx, which
 * a retry would only repeat. With the key a retried POST is never executed twice: the server replays the
 * first answer (`Idempotent-Replayed: true`) or, if the first attempt never completed, runs it once.
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The problem `code` of a 409 answered while another request with the same key is still running. */
export const IN_FLIGHT_CODE = 'IDEMPOTENCY.IN_FLIGHT';

export type FetchLike = (input: Request) => Promise<Response>;

export interface RetryOptions {
  /** retries after the first attempt (default 3; 0 = never retry) */
  retries?: number;
  /** each attempt's timeout in ms (default 30 000); a timed-out attempt counts as a network error */
  timeoutMs?: number;
  /** exponential backoff without Retry-After: a random delay in [0, min(maxDelayMs, baseDelayMs * 2^n)] */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A `Retry-After` longer than this (default 60 s) is not waited for: the response is returned to the caller
   * (a wallet over its hourly limit should not hold a call for an hour).
   */
  maxRetryAfterMs?: number;
  /** for tests: how to wait, and the random source of the jitter */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** makes the Idempotency-Key of a POST that has none (default crypto.randomUUID) */
  newKey?: () => string;
}

/** Why an attempt was retried; exposed for logging and tests through `onRetry`. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  reason: 'network' | 'timeout' | 'in-flight' | 'rate-limited' | 'server-error';
  status?: number;
}

/** Routes whose POSTs do not take an Idempotency-Key (signed inbound webhooks dedupe by event id). */
function takesIdempotencyKey(request: Request): boolean {
  return request.method === 'POST' && !new URL(request.url).pathname.startsWith('/v1/webhooks/');
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Full jitter (AWS architecture blog): spreads the retries of many clients instead of synchronising them. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** retry));
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body?.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** Which retryable outcome a response is, or null when it is final. */
async function retryableStatus(response: Response): Promise<RetryEvent['reason'] | null> {
  if (response.status === 429) return 'rate-limited';
  if (response.status >= 500) return 'server-error';
  // any other 409 (another key owns the entitlement, a budget exceeded...) is an answer, not a transient
  if (response.status === 409 && (await problemCode(response)) === IN_FLIGHT_CODE) return 'in-flight';
  return null;
}

/**
 * Wraps `fetch` with the idempotency key and the retry rules above. The request body is read once and sent
 * again byte for byte on each attempt (the server's fingerprint of the key covers it).
 */
export function retryingFetch(fetchImpl: FetchLike, opts: RetryOptions = {}, onRetry?: (e: RetryEvent) => void): FetchLike {
  const retries = Math.max(0, opts.retries ?? 3);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const baseMs = opts.baseDelayMs ?? 250;
  const maxMs = opts.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const newKey = opts.newKey ?? (() => globalThis.crypto.randomUUID());

  return async (input: Request): Promise<Response> => {
    const headers = new Headers(input.headers);
    // one key per logical call, chosen before the first attempt: every retry of this call repeats it
    if (takesIdempotencyKey(input) && !headers.has(IDEMPOTENCY_HEADER)) headers.set(IDEMPOTENCY_HEADER, newKey());
    const body = input.body === null ? undefined : await input.arrayBuffer();
    const caller = input.signal;

    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const request = new Request(input.url, {
        method: input.method,
        headers,
        body,
        redirect: input.redirect,
        signal: AbortSignal.any([caller, timeout]),
      });
      let response: Response | undefined;
      let failure: unknown;
      let reason: RetryEvent['reason'] | null;
      try {
        response = await fetchImpl(request);
        reason = await retryableStatus(response);
      } catch (err) {
        if (caller.aborted) throw caller.reason; // the caller gave up: not ours to retry
        failure = err;
        reason = timeout.aborted ? 'timeout' : 'network';
      }
      if (reason === null) return response!;
      if (attempt >= retries) {
        if (response) return response;
        throw failure;
      }
      let delayMs = backoffDelay(attempt, baseMs, maxMs, random);
      if (response) {
        const after = parseRetryAfter(response.headers.get('retry-after'), now());
        if (after !== null) {
          if (after > maxRetryAfterMs) return response; // too long to hold the call: the caller decides
          delayMs = after;
        }
        await response.body?.cancel().catch(() => undefined); // free the connection before waiting
      }
      onRetry?.({ attempt: attempt + 1, delayMs, reason, status: response?.status });
      await sleep(delayMs, caller);
    }
  };
}
