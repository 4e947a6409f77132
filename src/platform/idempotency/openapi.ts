import type { OpenAPIObject } from '@nestjs/swagger';
import { addSuccessHeaders, eachOperation, ensureResponse, problemResponse } from '../rate-limit/openapi';
import { IDEMPOTENCY_KEY_MAX } from './fingerprint';

/** The optional Idempotency-Key header on every POST but inbound webhooks, with its responses (API.md). */
export function documentIdempotency(doc: OpenAPIObject): void {
  eachOperation(doc, (path, method, op) => {
    if (method !== 'post' || path.startsWith('/v1/webhooks/') || path === '/v1/webhooks') return;
    op.parameters ??= [];
    if (!op.parameters.some((p) => !('$ref' in p) && p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
      op.parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          `1..${IDEMPOTENCY_KEY_MAX} characters, unique per request you mean once (e.g. a UUID), scoped to your API key. ` +
          'A retry with the same key and the same request replays the first response (status and body byte for byte).',
        schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX },
        example: '3f2b8c1e-6d4a-4b7e-9a51-2c0d8e7f1a93',
      });
    }
    const inFlight = 'a request with this Idempotency-Key is still in flight (code IDEMPOTENCY.IN_FLIGHT); retry after Retry-After';
    const retryAfter = { 'Retry-After': { description: 'seconds (1; only with IDEMPOTENCY.IN_FLIGHT)', schema: { type: 'integer', example: 1 } } };
    const conflict = op.responses?.['409'];
    if (conflict && !('$ref' in conflict)) {
      // the route documents its own 409 (e.g. a limit reached): the in-flight one is added to it
      conflict.description = `${conflict.description}; or ${inFlight}`;
      conflict.headers = { ...(conflict.headers ?? {}), ...retryAfter };
    } else {
      ensureResponse(op, '409', problemResponse(inFlight, retryAfter));
    }
    ensureResponse(op, '422', problemResponse('this Idempotency-Key was used with a different request (code IDEMPOTENCY.KEY_REUSED)'));
    ensureResponse(op, '400', problemResponse('the request or the Idempotency-Key header (1..255 characters) is invalid'));
    addSuccessHeaders(op, {
      'X-Idempotency': {
        description: 'with an Idempotency-Key: `MISS` (processed now) or `HIT` (replayed)',
        schema: { type: 'string', enum: ['MISS', 'HIT'] },
      },
      'Idempotent-Replayed': { description: '`true` on a replayed response', schema: { type: 'string', enum: ['true'] } },
    });
  });
}
