import createClient, { type Client } from 'openapi-fetch';
import { PayrailError } from './errors';
import { FetchLike, RetryEvent, RetryOptions, retryingFetch } from './retry';
import type { paths } from './schema';
import type { Problem } from './types';

export interface PayrailClientOptions extends RetryOptions {
  /** e.g. `http://127.0.0.1:3000` (no trailing path) */
  baseUrl: string;
  /** an API key (`API_KEYS`): `Authorization: Bearer <key>` */
  apiKey?: string;
  /**
   * the admin token: sent as `X-Admin-Token` (admin routes read it first), and as the bearer too when no
   * `apiKey` is given (an admin may call every client route)
   */
  adminToken?: string;
  /** the transport (default globalThis.fetch); retries and the Idempotency-Key wrap it */
  fetch?: FetchLike;
  /** called before each retry (logging, metrics) */
  onRetry?: (event: RetryEvent) => void;
}

/** GET paths answering a cursor page `{items, nextCursor}` (the server's keyset pagination). */
export type PagedPath = {
  [P in keyof paths]: paths[P] extends {
    get: { responses: { 200: { content: { 'application/json': { items: unknown[]; nextCursor: string | null } } } } };
  }
    ? P
    : never;
}[keyof paths];

type GetOp<P extends PagedPath> = paths[P]['get'];
export type PageItem<P extends PagedPath> = GetOp<P>['responses'][200]['content']['application/json']['items'][number];
type Params<P extends PagedPath> = GetOp<P>['parameters'];
/** `params` of a paged GET, its `cursor` excepted (the iterator owns it). */
export type PageParams<P extends PagedPath> = {
  path?: Params<P>['path'];
  query?: Omit<NonNullable<Params<P>['query']>, 'cursor'>;
};

export type PayrailClient = Client<paths> & {
  /**
   * Every item of a cursor-paginated list, page after page (`limit` is the page size), fetched lazily: stop
   * the loop and no further page is requested. A page that fails throws `PayrailError`.
   *
   *     for await (const claim of client.paginate('/v1/claims', { query: { status: 'pending', limit: 100 } })) ...
   */
  paginate<P extends PagedPath>(path: P, params?: PageParams<P>, init?: { signal?: AbortSignal }): AsyncIterableIterator<PageItem<P>>;
};

/**
 * A typed Payrail client: the generated methods (`client.GET('/v1/claims/{id}', { params: { path: { id } } })`,
 * `client.POST('/v1/claims', { body })` ...), each POST with an automatic Idempotency-Key, retried safely (see
 * retry.ts), plus `paginate`.
 */
export function createPayrailClient(options: PayrailClientOptions): PayrailClient {
  const { baseUrl, apiKey, adminToken, fetch: transport, onRetry, ...retry } = options;
  const headers: Record<string, string> = {};
  const bearer = apiKey ?? adminToken;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (adminToken) headers['X-Admin-Token'] = adminToken;
  const base = transport ?? ((input: Request) => globalThis.fetch(input));
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), headers, fetch: retryingFetch(base, retry, onRetry) });

  async function* paginate<P extends PagedPath>(path: P, params: PageParams<P> = {}, init: { signal?: AbortSignal } = {}): AsyncIterableIterator<PageItem<P>> {
    let cursor: string | undefined;
    do {
      // the generated GET is typed per path; here the path is generic, so its options are built untyped
      const get = client.GET as unknown as (p: string, o: object) => Promise<{ data?: { items: PageItem<P>[]; nextCursor: string | null }; error?: unknown; response: Response }>;
      const { data, error, response } = await get(path, {
        params: { path: params.path, query: { ...(params.query ?? {}), ...(cursor ? { cursor } : {}) } },
        signal: init.signal,
      });
      if (!data) throw new PayrailError(response.status, error as Problem | undefined, response);
      yield* data.items;
      cursor = data.nextCursor ?? undefined;
    } while (cursor);
  }

  return Object.assign(client, { paginate }) as PayrailClient;
}
