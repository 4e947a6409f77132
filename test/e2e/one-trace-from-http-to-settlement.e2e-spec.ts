import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { useSpanExporter } from '../../src/platform/tracing/tracing';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Acceptance 6: with OTEL_ENABLED=true (and an in-memory span exporter injected in-process instead of OTLP)
 * one claim produces ONE trace: the HTTP server span of POST /v1/claims (continuing the caller's
 * traceparent), the pay-claim job span (context carried in the job data), the broadcast span, and the
 * confirmation span written when the payout settles.
 */
describe('one trace from HTTP to settlement', () => {
  const exporter = new InMemorySpanExporter();
  let world: World;
  let app: TestApp;

  beforeAll(async () => {
    world = newWorld();
    useSpanExporter(exporter);
    app = await bootApp(world, { OTEL_ENABLED: 'true' });
  });
  afterAll(async () => {
    await app?.close();
    useSpanExporter(null);
  });

  it('spans HTTP, job, broadcast and confirmation under the caller’s trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const r = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '3', reason: 'trace:1' }, {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(r.status).toBe(201);
    const claimId: string = r.body.id;
    await waitFor(async () => (await sql(world, `SELECT status FROM claims WHERE id = $1`, [claimId]))[0].status === 'completed', 60_000, 'claim completed');
    const [claim] = await sql(world, `SELECT payout_id, tx_hash FROM claims WHERE id = $1`, [claimId]);

    const find = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name && s.spanContext().traceId === traceId);
    const confirm = await waitFor(async () => find('payout.confirm'), 10_000, 'the confirmation span');
    const server = find('POST /v1/claims')!;
    const job = find('process claims')!;
    const broadcast = find('payout.broadcast')!;
    for (const s of [server, job, broadcast]) expect(s).toBeDefined();

    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(parentOf(server)).toBe(callerSpan);
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/claims', 'http.request.method': 'POST', 'http.response.status_code': 201 });

    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(job)).toBe(server.spanContext().spanId);
    expect(job.attributes).toMatchObject({ 'messaging.destination.name': 'claims', 'payrail.claim_id': claimId });

    expect(parentOf(broadcast)).toBe(job.spanContext().spanId);
    expect(broadcast.attributes).toMatchObject({ 'payrail.payout_id': claim.payout_id, 'payrail.tx_hash': claim.tx_hash });

    expect(parentOf(confirm)).toBe(job.spanContext().spanId);
    expect(confirm.attributes).toMatchObject({ 'payrail.claim_id': claimId, 'payrail.payout_id': claim.payout_id, 'payrail.tx_hash': claim.tx_hash, 'payrail.success': true });

    // ordered in time: request, job, broadcast, confirmation
    const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
    expect(start(job)).toBeGreaterThanOrEqual(start(server));
    expect(start(broadcast)).toBeGreaterThanOrEqual(start(job));
    expect(start(confirm)).toBeGreaterThanOrEqual(start(broadcast) - 1e6);

    // one trace: every span about this claim shares the caller's trace id
    const mine = exporter.getFinishedSpans().filter((s) => s.attributes['payrail.claim_id'] === claimId);
    expect(new Set(mine.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  });

  it('starts a new trace when the caller sends none, and spans other routes by pattern', async () => {
    exporter.reset();
    const r = await http(app, 'GET', '/v1/claims/00000000-0000-4000-8000-000000000000');
    expect(r.status).toBe(404);
    const span = await waitFor(async () => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER), 5_000, 'server span');
    expect(span.name).toBe('GET /v1/claims/:id');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes['http.response.status_code']).toBe(404);
  });
});
