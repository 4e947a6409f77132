import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { describeSafely } from '../errors/problem.filter';
import { withLogContext } from '../logging/log-context';
import { currentRequestId } from '../logging/request-id';
import { contextFromTraceparent, traceparentOf, withSpan } from './tracing';

/** What a job carries from the request that enqueued it (API.md: request id propagated into jobs). */
export interface TracedJobData {
  /** the HTTP request's id (x-request-id) */
  requestId?: string;
  /** W3C trace context of the enqueuing span, when tracing is on */
  traceparent?: string;
}

/** Job-data fields for work enqueued now: the current request id and trace context (absent ones omitted). */
export function jobContext(): TracedJobData {
  const out: TracedJobData = {};
  const requestId = currentRequestId();
  if (requestId) out.requestId = requestId;
  const traceparent = traceparentOf();
  if (traceparent) out.traceparent = traceparent;
  return out;
}

/** Where a claim's trace continues after its job (the settlement runs later, maybe in another process). */
export interface ClaimTraceStore {
  remember(claimId: string, traceparent: string): Promise<void>;
  find(claimId: string): Promise<string | null>;
}

let claimTraces: ClaimTraceStore | null = null;

/** Set by TracingModule while tracing is on. */
export function setClaimTraceStore(store: ClaimTraceStore | null): void {
  claimTraces = store;
}

export function claimTraceStore(): ClaimTraceStore | null {
  return claimTraces;
}

const logger = new Logger('Jobs');

/**
 * Runs a job's work as a CONSUMER span continuing the enqueuer's trace (job data `traceparent`), with every
 * log line inside carrying the request id, job id, queue and claim id. One line per finished attempt.
 */
export async function runJob<T>(queue: string, job: Job<TracedJobData & { claimId?: string }>, fn: () => Promise<T>): Promise<T> {
  const data = job.data ?? {};
  const fields = { requestId: data.requestId, claimId: data.claimId, jobId: job.id, queue };
  return withLogContext(fields, () =>
    withSpan(
      `process ${queue}`,
      {
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.message.id': job.id ?? '',
        'payrail.job.attempt': job.attemptsMade + 1,
        ...(data.claimId ? { 'payrail.claim_id': data.claimId } : {}),
        ...(data.requestId ? { 'payrail.request_id': data.requestId } : {}),
      },
      async () => {
        const t0 = Date.now();
        if (data.claimId && claimTraces) {
          const own = traceparentOf();
          if (own) await claimTraces.remember(data.claimId, own).catch(() => undefined);
        }
        try {
          const result = await fn();
          logger.log({ msg: `${job.name} done`, outcome: typeof result === 'string' ? result : undefined, durationMs: Date.now() - t0 });
          return result;
        } catch (err) {
          const name = (err as Error)?.name;
          if (name === 'DelayedError') logger.log({ msg: `${job.name} delayed`, durationMs: Date.now() - t0 });
          else logger.warn({ msg: `${job.name} attempt ${job.attemptsMade + 1} failed`, error: describeSafely(err), durationMs: Date.now() - t0 });
          throw err;
        }
      },
      { kind: SpanKind.CONSUMER, parent: contextFromTraceparent(data.traceparent) },
    ),
  );
}
