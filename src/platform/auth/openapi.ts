import type { OpenAPIObject } from '@nestjs/swagger';
import { ensureResponse, eachOperation, problemResponse } from '../rate-limit/openapi';

/**
 * Every /v1 route needs credentials unless it is an inbound webhook (signature only), mirroring AuthGuard's
 * default: bearer security and a 401; admin routes also a 403 (an API key where the admin token is needed).
 */
export function documentAuth(doc: OpenAPIObject): void {
  eachOperation(doc, (path, _method, op) => {
    if (!path.startsWith('/v1/') || path.startsWith('/v1/webhooks/')) return;
    if (!op.security?.length) op.security = [{ bearer: [] }];
    if (path.startsWith('/v1/admin/')) {
      ensureResponse(op, '401', problemResponse('missing or invalid admin token (Authorization: Bearer or X-Admin-Token)'));
      ensureResponse(op, '403', problemResponse('an API key was sent where the admin token is required'));
    } else {
      ensureResponse(op, '401', problemResponse('missing or invalid API key (Authorization: Bearer <key>)'));
    }
  });
}
