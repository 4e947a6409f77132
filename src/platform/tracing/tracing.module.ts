import { Global, Inject, Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule, OnApplicationShutdown, OnModuleInit, RequestMethod } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RedisClient } from '../queue/redis.provider';
import { setClaimTraceStore } from './job-context';
import { startTracing, tracer, TracingRuntime } from './tracing';

const SERVER_SPAN = Symbol('payrail.serverSpan');
type RawRequest = IncomingMessage & { [SERVER_SPAN]?: Span };
const CLAIM_TRACE_TTL_S = 24 * 3600;

/** Owns the SDK's lifetime for this app, and the claim -> trace links in Redis (settlement continues the trace). */
@Injectable()
export class Tracing implements OnModuleInit, OnApplicationShutdown {
  private runtime: TracingRuntime | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    if (config.otelEnabled) {
      this.runtime = startTracing({ endpoint: config.otelExporterOtlpEndpoint, role: config.role });
      const key = (claimId: string) => `${config.queuePrefix}:trace:claim:${claimId}`;
      setClaimTraceStore({
        remember: async (claimId, traceparent) => {
          await this.redis.redis.set(key(claimId), traceparent, 'EX', CLAIM_TRACE_TTL_S);
        },
        find: (claimId) => this.redis.redis.get(key(claimId)),
      });
    }
  }

  get enabled(): boolean {
    return this.runtime !== null;
  }

  /** Server spans get their route pattern, status and end when Fastify has sent the response. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!this.enabled || !fastify?.addHook) return;
    fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const span = (req.raw as RawRequest)[SERVER_SPAN];
      if (span?.isRecording()) {
        const route = req.routeOptions?.url;
        if (route) {
          span.updateName(`${req.method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      done();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.runtime) return;
    setClaimTraceStore(null);
    const r = this.runtime;
    this.runtime = null;
    await r.shutdown();
  }
}

/**
 * Opens the SERVER span of each HTTP request (continuing an incoming `traceparent`) and makes it the active
 * context for everything the request does: commands, events, and the jobs it enqueues (job data carries
 * its traceparent).
 */
@Injectable()
export class HttpServerSpanMiddleware implements NestMiddleware {
  constructor(private readonly tracing: Tracing) {}

  use(req: RawRequest, res: ServerResponse, next: (err?: unknown) => void): void {
    if (!this.tracing.enabled) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const path = (req.url ?? '').split('?')[0];
    const span = tracer().startSpan(
      `${req.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': path } },
      parent,
    );
    req[SERVER_SPAN] = span;
    // aborted requests never reach onResponse
    res.once('close', () => {
      if (span.isRecording()) span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  }
}

@Global()
@Module({ providers: [Tracing, HttpServerSpanMiddleware], exports: [Tracing] })
export class TracingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpServerSpanMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
