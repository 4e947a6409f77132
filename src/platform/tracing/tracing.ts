import { Attributes, Context, context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { core, NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry, opt-in (OTEL_ENABLED=true): spans are created by hand (no auto-instrumentation) and
 * exported over OTLP HTTP. With tracing off every helper below is a no-op on the API's no-op tracer.
 */
const TRACER = 'payrail';

let exporterOverride: SpanExporter | null = null;

/**
 * Replaces the OTLP exporter for apps started afterwards (in-process embedding and tests, e.g. an
 * InMemorySpanExporter); `null` restores OTLP. Spans are then exported one by one (SimpleSpanProcessor).
 */
export function useSpanExporter(exporter: SpanExporter | null): void {
  exporterOverride = exporter;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL (spec); traces go to `<base>/v1/traces`. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

export interface TracingRuntime {
  shutdown(): Promise<void>;
}

/** Starts the SDK (global tracer provider, AsyncLocalStorage context, W3C propagation). */
export function startTracing(opts: { endpoint: string; role: string }): TracingRuntime {
  const exporter = exporterOverride ?? new OTLPTraceExporter({ url: tracesUrl(opts.endpoint) });
  const processor = exporterOverride ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const sdk = new NodeSDK({
    serviceName: 'payrail',
    autoDetectResources: false,
    instrumentations: [],
    spanProcessors: [processor],
    logRecordProcessors: [], // traces only: no OTLP log or metric exporters
    textMapPropagator: new core.W3CTraceContextPropagator(),
  });
  sdk.start();
  return {
    async shutdown() {
      await sdk.shutdown().catch(() => undefined);
      // let a later app in this process register again
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export function tracer() {
  return trace.getTracer(TRACER);
}

/** W3C `traceparent` of `ctx` (default: the active context), or undefined when tracing is off. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` describes (a remote parent), or the root context. */
export function contextFromTraceparent(traceparent: string | undefined | null): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Errors that are control flow (BullMQ's DelayedError), not failures of the span. */
function isControlFlow(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'DelayedError' || name === 'WaitingChildrenError' || name === 'RateLimitError';
}

/**
 * Runs `fn` in a new active span (child of `parent`, default the active context); records an error and
 * rethrows; always ends the span.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  opts: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes }, opts.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      if (!isControlFlow(err)) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message?.slice(0, 200) });
      }
      throw err;
    } finally {
      span.end();
    }
  });
}
