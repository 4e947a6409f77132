import { CallHandler, ExecutionContext, Injectable, NestInterceptor, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClsService, ClsServiceManager } from 'nestjs-cls';
import type { Observable } from 'rxjs';
import { REQUEST_ID_HEADER } from './pino-options';

const CLS_REQUEST_ID = 'payrail.requestId';

/** The id of the HTTP request this code runs for (CLS), or undefined outside a request. */
export function currentRequestId(): string | undefined {
  const cls = ClsServiceManager.getClsService();
  return cls.isActive() ? (cls.get<string | undefined>(CLS_REQUEST_ID) ?? undefined) : undefined;
}

/** Puts the request id into CLS, so work started by the request (events, enqueued jobs) can carry it. */
@Injectable()
export class RequestIdInterceptor implements NestInterceptor {
  constructor(private readonly cls: ClsService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http' && this.cls.isActive()) {
      const req = ctx.switchToHttp().getRequest<FastifyRequest>();
      this.cls.set(CLS_REQUEST_ID, req.id);
    }
    return next.handle();
  }
}

/** Echoes the request id on every HTTP response (404s and auth failures included). */
@Injectable()
export class RequestIdHeader implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return; // worker role: no HTTP
    fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      void reply.header(REQUEST_ID_HEADER, req.id);
      done();
    });
  }
}
