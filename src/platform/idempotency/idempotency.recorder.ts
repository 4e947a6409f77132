import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { crashIf } from '../chain/crash-point';
import { describeSafely } from '../errors/problem.filter';
import { IDEMPOTENCY_PENDING, IdempotentRequest } from './idempotency.interceptor';
import { routeOf } from '../rate-limit/rate-limit.policies';
import { IdempotencyStore } from './idempotency.store';

/** Headers replayed with a stored response (the rest describe this delivery, not the result). */
const STORED_HEADERS = ['content-type', 'location'];

/**
 * Which final statuses are stored for replay. Not stored, so the same key can be retried: 400 (fix the
 * request), 401/403 (fix the credentials), 409 and 429 (conflict or throttle: retry later), and every 5xx
 * (re-executing is safe: each side effect is idempotent on its own, e.g. a claim by its idempoKey).
 */
export function isReplayable(status: number): boolean {
  if (status >= 500) return false;
  return ![400, 401, 403, 408, 409, 429].includes(status);
}

function bodyBytes(payload: unknown): Buffer | null {
  if (payload === null || payload === undefined) return Buffer.alloc(0);
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (Buffer.isBuffer(payload)) return payload;
  return null; // a stream: not replayable byte for byte
}

/**
 * The second half of the Idempotency-Key interceptor, as a Fastify onSend hook: it sees the final status
 * and the exact bytes about to be sent, whether the handler returned or the exception filter answered, and
 * stores them (or releases the record) before the response leaves. A crash before this point leaves the
 * record in flight until its lock expires; then a retry takes it over and re-executes.
 */
@Injectable()
export class IdempotencyRecorder implements OnModuleInit {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: IdempotencyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // worker role: no HTTP
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (req, reply, payload) => {
      await this.record(req as IdempotentRequest, reply, payload);
      return payload;
    });
  }

  private async record(req: IdempotentRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const pending = req[IDEMPOTENCY_PENDING];
    if (!pending) return;
    req[IDEMPOTENCY_PENDING] = undefined;
    // the claim may still be under way (a guard after the early claim rejected the request): wait for it
    const claimed = await pending;
    if (claimed.kind !== 'claimed') return;
    const status = reply.statusCode;
    try {
      const body = bodyBytes(payload);
      if (body === null || !isReplayable(status)) {
        await this.store.release(claimed.id, claimed.token);
        return;
      }
      if (status < 300 && routeOf(req) === '/v1/claims') crashIf(this.config.crashAt, 'after-claim-commit');
      const headers: Record<string, string> = {};
      for (const name of STORED_HEADERS) {
        const v = reply.getHeader(name);
        if (v !== undefined) headers[name] = String(v);
      }
      // written behind the response (coalesced with others); a retry meanwhile waits for it (IdempotencyStore)
      void this.store.complete(claimed.id, claimed.token, { status, headers, body });
    } catch (err) {
      // the response still goes out; the record stays in flight until its lock expires, then a retry re-executes
      this.logger.warn(`could not store the idempotent response: ${describeSafely(err)}`);
    }
  }
}
