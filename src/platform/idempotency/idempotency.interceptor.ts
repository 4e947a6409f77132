import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { catchError, defer, from, mergeMap, Observable, of } from 'rxjs';
import type { AuthedRequest, Principal } from '../auth/auth.guard';
import { ValidationError } from '../errors/domain-error';
import { parseIdempotencyKey, requestFingerprint, IDEMPOTENCY_KEY_MAX } from './fingerprint';
import { IdempotencyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { ClaimOutcome, IdempotencyStore } from './idempotency.store';
import { IdempotencyGate, RUNS_BEFORE_KEY_CLAIMED } from './idempotency.gate';
import { routeOf } from '../rate-limit/rate-limit.policies';

/** Set on a keyed request once its record is being claimed: the guard starts it, the interceptor awaits it. */
export const IDEMPOTENCY_PENDING = Symbol('payrail:idempotency-pending');

/** What claiming the record came to; `failed`: the store could not be asked (the interceptor rethrows). */
export type PendingOutcome = ClaimOutcome | { kind: 'failed'; error: unknown };

export type IdempotentRequest = AuthedRequest & { [IDEMPOTENCY_PENDING]?: Promise<PendingOutcome> };

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
 * Starts claiming the request's record, once: when the request takes a key (a client or admin POST with a
 * well-formed Idempotency-Key) and its principal is known. Never throws: a malformed key is left for the
 * interceptor to reject, and a store error is kept in the outcome.
 */
export function startClaim(req: IdempotentRequest, store: IdempotencyStore): void {
  if (req[IDEMPOTENCY_PENDING] || !appliesTo(req)) return;
  if (req.principal!.kind === 'signed' && !req.principal!.wallet) return; // its wallet is verified by a route guard, later
  const key = parseIdempotencyKey(req.headers['idempotency-key']);
  if (key === null) return;
  const path = req.url.split('?')[0]!;
  const fingerprint = requestFingerprint(req.method, path, req.body);
  req[IDEMPOTENCY_PENDING] = store.claim(scopeOf(req.principal!), key, fingerprint, req.method, path).catch(
    (error: unknown): PendingOutcome => ({ kind: 'failed', error }),
  );
}

/**
 * A global guard registered after the auth guard: it starts claiming the key as soon as the caller is
 * known, so the claim's round trip to Postgres overlaps the guards still to run (the per-wallet rate limit's
 * round trip to Redis on POST /v1/claims). It never rejects. If a later guard does, the onSend recorder
 * releases the record (a 401/429 is never stored). Signed claims get their principal from a route guard,
 * so the interceptor starts theirs.
 */
@Injectable()
export class IdempotencyEarlyClaimGuard implements CanActivate {
  constructor(private readonly store: IdempotencyStore) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() === 'http') startClaim(ctx.switchToHttp().getRequest<IdempotentRequest>(), this.store);
    return true;
  }
}

/**
 * Idempotency-Key on every client and admin POST (API.md). Runs after the guards (auth, rate limits), so
 * the principal is known. The first request with a key claims the record and runs (`X-Idempotency: MISS`);
 * the response is stored by the onSend recorder (IdempotencyRecorder), which sees the exact bytes sent,
 * error responses from the exception filter included. A completed key replays the stored response without
 * running the handler.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly gate: IdempotencyGate,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<IdempotentRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    if (!appliesTo(req)) return next.handle();
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    if (this.reflector.get<boolean>(RUNS_BEFORE_KEY_CLAIMED, ctx.getHandler())) return this.alongside(req, reply, raw, next);
    return defer(() => this.afterClaim(this.started(req, raw), reply, next));
  }

  /** The usual order: wait for the claim, then run the handler only if the key is this request's. */
  private afterClaim(claim: Promise<PendingOutcome>, reply: FastifyReply, next: CallHandler): Observable<unknown> {
    return from(claim).pipe(
      mergeMap((outcome) => {
        const replayed = this.decide(outcome, reply);
        return replayed === null ? next.handle() : of(replayed);
      }),
    );
  }

  /** The claim of a well-formed key (already started by the guard, unless the principal came from a route guard). */
  private started(req: IdempotentRequest, raw: string | string[]): Promise<PendingOutcome> {
    if (parseIdempotencyKey(raw) === null) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters` }]);
    }
    startClaim(req, this.store);
    return req[IDEMPOTENCY_PENDING]!;
  }

  /**
   * On an opted-in route (RunsBeforeKeyClaimed): the handler runs while the claim is in flight and commits
   * only through the gate. Whatever it returned or threw, the claim decides the answer: this request's
   * own result when the key is its own, else the replay, 409 or 422 (its transaction was rolled back).
   */
  private alongside(req: IdempotentRequest, reply: FastifyReply, raw: string | string[], next: CallHandler): Observable<unknown> {
    return defer(() => {
      const claim = this.started(req, raw);
      // no request context to carry the gate: the handler could not wait for the claim, so it waits here
      if (!this.gate.open(claim)) return this.afterClaim(claim, reply, next);
      return next.handle().pipe(
        mergeMap(async (value: unknown) => this.decide(await claim, reply) ?? value),
        catchError((err: unknown) =>
          from(claim).pipe(
            mergeMap(async (outcome) => {
              const replayed = this.decide(outcome, reply); // throws for a key held elsewhere, reused or unusable
              if (replayed === null) throw err; // the key is this request's: its own error stands
              return replayed;
            }),
          ),
        ),
      );
    });
  }

  /** Acts on the claim: null when the key is this request's (MISS), the stored body to replay, or throws. */
  private decide(outcome: PendingOutcome, reply: FastifyReply): Buffer | null {
    switch (outcome.kind) {
      case 'claimed':
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
      case 'failed':
        throw outcome.error;
    }
  }
}
