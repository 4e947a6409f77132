import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Job } from 'bullmq';
import { jobContext, runJob } from './job-context';
import { contextFromTraceparent, startTracing, traceparentOf, tracesUrl, tracer, TracingRuntime, useSpanExporter, withSpan } from './tracing';

describe('tracing', () => {
  it('derives the OTLP traces URL from the base endpoint', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });

  it('is a no-op while off: no traceparent, no job fields', async () => {
    expect(traceparentOf()).toBeUndefined();
    expect(jobContext()).toEqual({});
    await expect(withSpan('x', {}, async () => 42)).resolves.toBe(42);
  });

  describe('on, with an in-memory exporter', () => {
    const exporter = new InMemorySpanExporter();
    let runtime: TracingRuntime;
    beforeAll(() => {
      useSpanExporter(exporter);
      runtime = startTracing({ endpoint: 'http://127.0.0.1:1', role: 'all' });
    });
    afterAll(async () => {
      await runtime.shutdown();
      useSpanExporter(null);
    });

    it('continues a trace through job data (traceparent) into a consumer span with children', async () => {
      let enqueued: ReturnType<typeof jobContext> = {};
      const server = tracer().startSpan('POST /v1/claims', { kind: SpanKind.SERVER });
      await context.with(trace.setSpan(context.active(), server), async () => {
        enqueued = jobContext();
      });
      server.end();
      expect(enqueued.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

      const job = { id: 'c1', name: 'pay-claim', attemptsMade: 0, data: { claimId: 'c1', ...enqueued } } as unknown as Job<{ claimId: string }>;
      const result = await runJob('claims', job, () => withSpan('payout.broadcast', { n: 1 }, async () => 'paid'));
      expect(result).toBe('paid');

      const spans = exporter.getFinishedSpans();
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      const traceId = server.spanContext().traceId;
      expect(spans.map((s) => s.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
      expect(byName['process claims']!.kind).toBe(SpanKind.CONSUMER);
      expect(byName['process claims']!.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(byName['payout.broadcast']!.parentSpanContext?.spanId).toBe(byName['process claims']!.spanContext().spanId);
      expect(byName['process claims']!.attributes['payrail.claim_id']).toBe('c1');
    });

    it('records a failure on the span and rethrows', async () => {
      exporter.reset();
      await expect(withSpan('boom', {}, async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
      const [span] = exporter.getFinishedSpans();
      expect(span!.status.code).toBe(2); // ERROR
      expect(span!.events.some((e) => e.name === 'exception')).toBe(true);
    });

    it('reads a remote parent from a traceparent', () => {
      const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const ctx = contextFromTraceparent(tp);
      expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    });
  });
});
