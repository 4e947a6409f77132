import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from './auth.guard';
import { ensureResponse, eachOperation, problemResponse } from '../rate-limit/openapi';

/**
 * Every /v1 route needs credentials unless it is an inbound webhook (signature only), mirroring AuthGuard's
 * default: bearer security and a 401; admin routes also a 403 (an API key where the admin token is needed);
 * client routes with a scope (RequiresScope) a 403 naming it.
 */
export function documentAuth(doc: OpenAPIObject): void {
  eachOperation(doc, (path, _method, op) => {
    const ext = op as unknown as Record<string, unknown>;
    if (ext[PUBLIC_EXTENSION] === true) {
      // @Public(): open, said explicitly (an operation without `security` would inherit a global requirement)
      delete ext[PUBLIC_EXTENSION];
      op.security = [];
      return;
    }
    if (!path.startsWith('/v1/') || path.startsWith('/v1/webhooks/')) return;
    if (!op.security?.length) op.security = [{ bearer: [] }];
    if (path.startsWith('/v1/admin/')) {
      ensureResponse(op, '401', problemResponse('missing or invalid admin token (Authorization: Bearer or X-Admin-Token)'));
      ensureResponse(op, '403', problemResponse('an API key was sent where the admin token is required'));
    } else {
      ensureResponse(op, '401', problemResponse('missing or invalid API key (Authorization: Bearer <key>)'));
      // the scope named by @RequiresScope (x-payrail-scope): a key without it gets a 403 naming it
      const scope = (op as unknown as Record<string, unknown>)['x-payrail-scope'];
      if (typeof scope === 'string') {
        ensureResponse(op, '403', problemResponse(`the API key lacks the \`${scope}\` scope (AUTH.SCOPE_MISSING)`));
        const note = `Needs the API key scope \`${scope}\` (or the admin token). A key sees only the claims, groups and endpoints it created; another key's are 404.`;
        op.description = op.description ? `${op.description}\n\n${note}` : note;
      }
    }
  });
}
