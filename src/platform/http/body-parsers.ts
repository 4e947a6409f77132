import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { parse as parseQueryString } from 'node:querystring';
import { isWebhookRoute } from '../rate-limit/rate-limit.policies';
import { jsonDepthExceeds, tooDeepError } from './json-depth';

/** POST /v1/claims/batch takes up to 1,000 claims (about 1 KiB each at most): its own body limit. */
export const BULK_BODY_LIMIT_BYTES = 1024 * 1024;
/** A denylist import (text or CSV, ~45 bytes per address): room for about 90,000 addresses. */
export const DENYLIST_IMPORT_LIMIT_BYTES = 4 * 1024 * 1024;
const ROUTE_BODY_LIMITS: Record<string, number> = {
  'POST /v1/claims/batch': BULK_BODY_LIMIT_BYTES,
  'POST /v1/admin/denylist': BULK_BODY_LIMIT_BYTES,
  'POST /v1/admin/denylist/import': DENYLIST_IMPORT_LIMIT_BYTES,
};

/**
 * The body parsers Nest would register (JSON with Fastify's prototype-poisoning checks, urlencoded; both
 * keep `rawBody`), with one difference: on an inbound webhook route, JSON that does not parse is NOT a 400
 * here. Its signature must be checked on the raw bytes first, so an unsigned or badly signed request gets
 * the 401 (and is counted in payrail_webhook_verification_failures_total), and only an authentic one is
 * told its JSON is invalid (ReceiveWebhookHandler parses the raw bytes itself). JSON nested deeper than
 * MAX_JSON_DEPTH is refused (400) before parsing. Call before `listen`.
 */
export function registerBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  // a route's own limit overrides the parsers' (Fastify reads `bodyLimit` from the route options)
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      const limit = ROUTE_BODY_LIMITS[`${m} ${route.url}`];
      if (limit) route.bodyLimit = limit;
    }
  });
  const json = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (req, body, done) => {
    const text = body.toString('utf8');
    // a nesting bomb is a 400 before it is parsed (a webhook's is left to its verification, like bad JSON)
    if (jsonDepthExceeds(text)) return isWebhookRoute(req) ? done(null, undefined) : done(tooDeepError(), undefined);
    json(req, text, (err, value) => {
      if (err && isWebhookRoute(req)) done(null, undefined);
      else done(err, value);
    });
  });
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', { bodyLimit }, (_req, body, done) => {
    done(null, parseQueryString(body.toString('utf8')));
  });
  // a denylist import as CSV (text/plain is Fastify's own parser: a string)
  fastify.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
}
