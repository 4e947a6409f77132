import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { defer, from, mergeMap, Observable, of } from 'rxjs';
import type { AuthedRequest, Principal } from '../auth/auth.guard';
import { ValidationError } from '../errors/domain-error';
import { parseIdempotencyKey, requestFingerprint, IDEMPOTENCY_KEY_MAX } from './fingerprint';
import { IdempotencyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyStore } from './idempotency.store';
import { routeOf } from '../rate-limit/rate-limit.policies';

/** Set on a request that owns an in-flight record; the onSend recorder stores or releases it. */
export const IDEMPOTENCY_CLAIM = Symbol('payrail:idempotency-claim');

export interface ClaimedRecord {
  id: string;
  token: string;
  route: string;
}

export type IdempotentRequest = AuthedRequest & { [IDEMPOTENCY_CLAIM]?: ClaimedRecord };

/** POST routes under this prefix dedupe by event id instead (API.md "Webhooks in"). */
const EXCLUDED_PREFIX = '/v1/webhooks';

/** Client and admin POSTs (a principal is set by then), but not inbound webhooks. */
export function appliesTo(req: AuthedRequest): boolean {
  if (req.method !== 'POST' || !req.principal) return false;
  const route = routeOf(req);
  return !(route === EXCLUDED_PREFIX || route.startsWith(EXCLUDED_PREFIX + '/'));
}

/** Who the key belongs to: two clients (or two signing wallets) never share a key space. */
export function scopeOf(p: Principal): string {
  if (p.kind === 'admin') return 'admin';
  if (p.kind === 'signed') return `signed:${(p.wallet ?? '').toLowerCase()}`;
  return `client:${p.name}`;
}

/**
 * Idempotency-Key on every client and admin POST (API.md). Runs after the guards (auth, rate limits), so
 * the principal is known and a throttled request never touches a record. The first request with a key
 * claims the record and runs (`X-Idempotency: MISS`); the response is stored by the onSend recorder
 * (IdempotencyRecorder), which sees the exact bytes sent, error responses from the exception filter
 * included. A completed key replays the stored response without running the handler.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<IdempotentRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    if (!appliesTo(req)) return next.handle();
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    return defer(() => from(this.begin(req, reply, raw))).pipe(
      mergeMap((replayed) => (replayed === null ? next.handle() : of(replayed))),
    );
  }

  /** null: proceed to the handler (the record is ours); a Buffer: the stored body to send instead. */
  private async begin(req: IdempotentRequest, reply: FastifyReply, raw: string | string[]): Promise<Buffer | null> {
    const key = parseIdempotencyKey(raw);
    if (key === null) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters` }]);
    }
    const path = req.url.split('?')[0]!;
    const fingerprint = requestFingerprint(req.method, path, req.body);
    const outcome = await this.store.claim(scopeOf(req.principal!), key, fingerprint, req.method, path);
    switch (outcome.kind) {
      case 'claimed':
        req[IDEMPOTENCY_CLAIM] = { id: outcome.id, token: outcome.token, route: routeOf(req) };
        void reply.header('x-idempotency', 'MISS');
        return null;
      case 'replay': {
        const { status, headers, body } = outcome.response;
        void reply.status(status);
        for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
        void reply.header('x-idempotency', 'HIT').header('idempotent-replayed', 'true');
        return body;
      }
      case 'mismatch':
        throw new IdempotencyKeyReusedError();
      case 'in_flight':
        throw new IdempotencyInFlightError();
    }
  }
}
