import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { AuthService } from './auth.service';

export type Access = 'public' | 'client' | 'admin';
const ACCESS = 'payrail:access';
/** Open route (health, metrics, docs, signed webhooks). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);
/** Admin token required (`Authorization: Bearer` or `X-Admin-Token`). */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);

export interface Principal {
  kind: 'client' | 'admin';
  name: string;
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

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : null;
}

/** Global guard: every route is client-authenticated unless marked @Public() or @AdminOnly(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const access =
      this.reflector.getAllAndOverride<Access>(ACCESS, [ctx.getHandler(), ctx.getClass()]) ?? 'client';
    if (access === 'public') return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (access === 'admin') {
      const header = req.headers['x-admin-token'];
      const token = typeof header === 'string' ? header : bearer(req);
      if (!token) throw new UnauthorizedError('An admin token is required (Authorization: Bearer or X-Admin-Token).');
      if (this.auth.isAdmin(token)) {
        req.principal = { kind: 'admin', name: 'admin' };
        return true;
      }
      if (this.auth.clientFor(token)) throw new ForbiddenError('This route needs the admin token, not an API key.');
      throw new UnauthorizedError('The admin token is not valid.');
    }
    const secret = bearer(req);
    if (!secret) throw new UnauthorizedError('An API key is required: Authorization: Bearer <key>.');
    const name = this.auth.clientFor(secret);
    if (!name) throw new UnauthorizedError('The API key is not valid.');
    req.principal = { kind: 'client', name };
    return true;
  }
}
