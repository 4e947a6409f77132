import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isBoardRequest } from '../observability/queue-board';

/**
 * The CSP helmet sets is strict (scripts and styles from 'self' only). Swagger UI (/docs) and the queue board
 * (/admin/queues) need their inline init scripts and styles: only their responses get 'unsafe-inline', so an
 * API response (or an HTML error page) can never run an injected inline script.
 */
export const STRICT_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
};

/** True for Swagger UI's pages and assets and the queue board's (its decoded path, as the board guard sees it). */
export function needsInlineScripts(rawUrl: string | undefined, routePattern?: string): boolean {
  const path = (rawUrl ?? '').split('?')[0] ?? '';
  if (path === '/docs' || path.startsWith('/docs/')) return true;
  return isBoardRequest(routePattern, rawUrl);
}

/** `script-src 'self'` -> `script-src 'self' 'unsafe-inline'` (and style-src), the rest of the policy kept. */
export function relaxInline(csp: string): string {
  return csp
    .split(';')
    .map((d) => (/^\s*(script-src|style-src)\s/.test(d) && !d.includes("'unsafe-inline'") ? `${d.trimEnd()} 'unsafe-inline'` : d))
    .join(';');
}

/** Registers the onSend hook relaxing the CSP of /docs and /admin/queues only (after helmet). */
export function scopeInlineCsp(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (needsInlineScripts(req.raw.url, req.routeOptions?.url)) {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string') void reply.header('content-security-policy', relaxInline(csp));
    }
    return payload;
  });
}
