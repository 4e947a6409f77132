import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig, Scope } from '../../config/config';
import { DomainError } from '../errors/domain-error';
import { ProblemDto } from '../errors/problem.dto';
import { METRIC } from '../metrics/metrics';
import { AuthService } from './auth.service';

export type Access = 'public' | 'client' | 'admin';
const ACCESS = 'payrail:access';
/** OpenAPI extension marking an open route; documentAuth turns it into an explicit `security: []`. */
export const PUBLIC_EXTENSION = 'x-payrail-public';

/**
 * Open route (health, metrics, docs, signed webhooks). Also documents it: OpenAPI reads extensions per
 * method only, so on a class every route method that does not choose its own access (@AdminOnly) is marked,
 * mirroring the guard's getAllAndOverride (the method's access wins over the class's).
 */
export const Public = (): ClassDecorator & MethodDecorator =>
  ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      SetMetadata(ACCESS, 'public' satisfies Access)(target, key!, descriptor);
      ApiExtension(PUBLIC_EXTENSION, true)(target, key!, descriptor);
      return descriptor;
    }
    SetMetadata(ACCESS, 'public' satisfies Access)(target as never);
    // class decorators run after method decorators: a method's own @AdminOnly is already there
    const proto = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || typeof method?.value !== 'function') continue;
      if (Reflect.getMetadata(PATH_METADATA, method.value) === undefined || Reflect.getMetadata(ACCESS, method.value) !== undefined) continue;
      ApiExtension(PUBLIC_EXTENSION, true)(proto, name, method);
    }
    return undefined;
  }) as ClassDecorator & MethodDecorator;
/** Admin token required (`Authorization: Bearer` or `X-Admin-Token`). */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);
const SIGNED = 'payrail:accepts-signed';
/**
 * A client route that, with ALLOW_SIGNED_CLAIMS=true, also accepts a request without an API key whose body
 * carries an EIP-712 `signature` (a voucher signed by a claim issuer, not by the wallet). The guard only lets
 * it through as a `signed` principal WITHOUT a wallet; a route guard of the route must verify the signature
 * and its issuer and set `wallet` and `issuer` (or answer 401).
 */
export const AcceptsSignedRequests = () => SetMetadata(SIGNED, true);

const SCOPE = 'payrail:scope';
/**
 * The scope an API key needs for this client route (API_KEYS `name:secret:scope+scope`); the admin token passes
 * every scope. Documented in OpenAPI as a 403 naming the scope (and `x-payrail-scope`).
 */
export const RequiresScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE, scope),
    ApiExtension('x-payrail-scope', scope),
    ApiForbiddenResponse({ type: ProblemDto, description: `the API key lacks the \`${scope}\` scope (AUTH.SCOPE_MISSING)` }),
  );

export interface Principal {
  kind: 'client' | 'admin' | 'signed';
  /** API key name, the admin's name (`admin` for ADMIN_TOKEN, else its ADMIN_TOKENS name), or `signed` */
  name: string;
  /** client only: the key's scopes */
  scopes?: Scope[];
  /** signed only: the voucher's recipient, set once its signature is verified (unset until then) */
  wallet?: string;
  /** signed only: the claim issuer (CLAIM_ISSUERS) whose signature was verified */
  issuer?: string;
}

export type AuthedRequest = FastifyRequest & { principal?: Principal };

export class UnauthorizedError extends DomainError {
  constructor(detail: string) {
    super('AUTH.UNAUTHORIZED', detail);
  }
}
export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super('AUTH.FORBIDDEN', detail);
  }
}
export class ScopeMissingError extends DomainError {
  constructor(readonly scope: Scope) {
    super('AUTH.SCOPE_MISSING', `This API key lacks the "${scope}" scope needed by this route.`);
  }
}

/**
 * Whose resources the principal may see and change: its own key name, or null (every owner) for an admin. The
 * owner of a claim, group or endpoint is the NAME of the key that created it: rotate a key's secret under the same
 * name (`acme:old,acme:new` are both valid); a renamed key no longer owns what the old name created.
 */
export function ownerFilter(who: Principal): string | null {
  return who.kind === 'admin' ? null : who.name;
}

/**
 * The principal as an audit actor: `api:<key name>` for an API key, `admin` for ADMIN_TOKEN, `admin:<name>` for a
 * named admin (ADMIN_TOKENS), `signed` for a voucher.
 */
export function actorOf(who: Principal): string {
  if (who.kind === 'admin') return who.name === 'admin' ? 'admin' : `admin:${who.name}`;
  return who.kind === 'signed' ? 'signed' : `api:${who.name}`;
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : null;
}

function hasSignature(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'signature' in body;
}

/** Global guard: every route is client-authenticated unless marked @Public() or @AdminOnly(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectMetric(METRIC.authFailures) private readonly failures: Counter<string>,
  ) {}

  /** Counts the refusal (`payrail_auth_failures_total{kind}`) and returns the error; never logs the credential. */
  private refuse<E extends Error>(kind: 'client' | 'admin', err: E): E {
    this.failures.inc({ kind });
    return err;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const access =
      this.reflector.getAllAndOverride<Access>(ACCESS, [ctx.getHandler(), ctx.getClass()]) ?? 'client';
    if (access === 'public') return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (access === 'admin') {
      const header = req.headers['x-admin-token'];
      const token = typeof header === 'string' ? header : bearer(req);
      if (!token) throw this.refuse('admin', new UnauthorizedError('An admin token is required (Authorization: Bearer or X-Admin-Token).'));
      const admin = this.auth.adminFor(token);
      if (admin !== null) {
        req.principal = { kind: 'admin', name: admin };
        return true;
      }
      if (this.auth.clientFor(token)) throw this.refuse('admin', new ForbiddenError('This route needs the admin token, not an API key.'));
      throw this.refuse('admin', new UnauthorizedError('The admin token is not valid.'));
    }
    const secret = bearer(req);
    if (!secret) {
      if (this.config.allowSignedClaims && this.reflector.get<boolean>(SIGNED, ctx.getHandler()) && hasSignature(req.body)) {
        req.principal = { kind: 'signed', name: 'signed' }; // not verified yet: the route's guard does it
        return true;
      }
      throw this.refuse('client', new UnauthorizedError('An API key is required: Authorization: Bearer <key>.'));
    }
    const key = this.auth.keyFor(secret);
    if (!key) {
      // the admin token works on client routes too: an admin sees and may cancel every client's resources
      const admin = this.auth.adminFor(secret);
      if (admin !== null) {
        req.principal = { kind: 'admin', name: admin };
        return true;
      }
      throw this.refuse('client', new UnauthorizedError('The API key is not valid.'));
    }
    req.principal = { kind: 'client', name: key.name, scopes: key.scopes };
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE, [ctx.getHandler(), ctx.getClass()]);
    if (scope && !key.scopes.includes(scope)) throw new ScopeMissingError(scope);
    return true;
  }
}
