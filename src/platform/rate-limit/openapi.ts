import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { isIpLimited } from './rate-limit.policies';

/**
 * OpenAPI for cross-cutting behaviour, derived from the same route rules the guards use, so routes that
 * other modules add are documented too. Each platform concern documents itself (auth, idempotency, rate
 * limits); these helpers are shared by them.
 */
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

export function eachOperation(doc: OpenAPIObject, fn: (path: string, method: string, op: OperationObject) => void): void {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, OperationObject | undefined>)[method];
      if (op) fn(path, method, op);
    }
  }
}

export const PROBLEM_REF = '#/components/schemas/ProblemDto';

export function problemResponse(description: string, headers?: ResponseObject['headers']): ResponseObject {
  return { description, ...(headers ? { headers } : {}), content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_REF } } } };
}

/** Adds the response if the operation does not document that status yet. */
export function ensureResponse(op: OperationObject, status: string, response: ResponseObject): void {
  op.responses ??= {};
  if (!op.responses[status]) op.responses[status] = response;
}

export function addSuccessHeaders(op: OperationObject, headers: NonNullable<ResponseObject['headers']>): void {
  for (const [status, r] of Object.entries(op.responses ?? {})) {
    if (!r || !/^2\d\d$/.test(status) || '$ref' in r) continue;
    (r as ResponseObject).headers = { ...((r as ResponseObject).headers ?? {}), ...headers };
  }
}

const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': {
    description: 'IETF draft: the policies counted for this request, e.g. `"api-key";q=6000;w=60, "claims-wallet";q=60;w=3600`',
    schema: { type: 'string', example: '"claims-wallet";q=60;w=3600' },
  },
  RateLimit: {
    description: 'IETF draft: remaining quota `r` and seconds to reset `t` per policy, e.g. `"claims-wallet";r=12;t=1800`',
    schema: { type: 'string', example: '"claims-wallet";r=12;t=1800' },
  },
};

function policiesOf(path: string, method: string): string[] {
  const out: string[] = [];
  if (isIpLimited(path)) {
    out.push(`"api-key" (RL_PER_MIN_KEY per minute per API key, for requests with a valid key)`);
    out.push(`"ip" (RL_PER_MIN_IP per minute per client IP, for the others; TRUST_PROXY names the proxies whose X-Forwarded-For counts)`);
  }
  if (method === 'post' && path === '/v1/claims') out.push(`"claims-wallet" (RL_CLAIMS_PER_HOUR_WALLET per hour per wallet)`);
  if (method === 'post' && path.startsWith('/v1/webhooks/')) out.push(`"webhook-provider" (RL_WEBHOOK_PER_MIN per minute per provider, verified requests only)`, `"webhook-failures" (RL_WEBHOOK_FAILURES_PER_MIN_IP failed verifications per minute per client IP)`);
  return out;
}

/** 429 with Retry-After and the RateLimit headers on every limited operation; the headers on its 2xx too. */
export function documentRateLimits(doc: OpenAPIObject): void {
  eachOperation(doc, (path, method, op) => {
    const policies = policiesOf(path, method);
    if (!policies.length) return;
    ensureResponse(
      op,
      '429',
      problemResponse(`rate limit exceeded: ${policies.join(', ')}`, {
        'Retry-After': { description: 'seconds until the request may succeed (>= 1)', schema: { type: 'integer', minimum: 1 } },
        ...RATE_LIMIT_HEADERS,
      }),
    );
    addSuccessHeaders(op, RATE_LIMIT_HEADERS);
  });
}

/**
 * The request envelope's limits: 400 on any operation with parameters or a body (validation, unknown
 * fields), 413 on any body over 64 KiB, 404 for an unknown id in the path; and every 4xx/5xx documented
 * as application/problem+json.
 */
export function documentRequestLimits(doc: OpenAPIObject): void {
  eachOperation(doc, (_path, _method, op) => {
    const hasInput = !!op.requestBody || (op.parameters ?? []).some((p) => !('$ref' in p) && p.in !== 'path');
    if (hasInput) ensureResponse(op, '400', problemResponse('the request is invalid; `errors` names each field (unknown fields are rejected)'));
    if (op.requestBody) ensureResponse(op, '413', problemResponse('the request body exceeds 64 KiB'));
    if ((op.parameters ?? []).some((p) => !('$ref' in p) && p.in === 'path')) {
      ensureResponse(op, '404', problemResponse('no such resource (an unknown or malformed id)'));
    }
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      if (!r || !/^[45]\d\d$/.test(status) || '$ref' in r) continue;
      // every error body is RFC 9457 problem JSON (ProblemFilter), whatever a decorator declared
      (r as ResponseObject).content = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_REF } } };
    }
  });
  documentClosedBodies(doc);
}

const SCHEMA_PREFIX = '#/components/schemas/';

function refsIn(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_PREFIX)) out.add(v.slice(SCHEMA_PREFIX.length));
      else refsIn(v, out);
    }
  }
}

/**
 * The ValidationPipe rejects unknown fields (whitelist + forbidNonWhitelisted), so every JSON request body
 * schema (and the schemas it references) is closed: `additionalProperties: false`. That also makes the
 * claim body's `oneOf` exact (an API-key claim cannot carry a voucher's `signature`). A schema that a
 * response uses too is left open: responses may gain fields.
 */
function documentClosedBodies(doc: OpenAPIObject): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const transitive = (roots: Set<string>): Set<string> => {
    const seen = new Set<string>();
    const todo = [...roots];
    while (todo.length) {
      const name = todo.pop()!;
      if (seen.has(name) || !schemas[name]) continue;
      seen.add(name);
      const next = new Set<string>();
      refsIn(schemas[name], next);
      todo.push(...next);
    }
    return seen;
  };
  const bodies = new Set<string>();
  const responses = new Set<string>();
  eachOperation(doc, (_path, _method, op) => {
    if (op.requestBody && !('$ref' in op.requestBody)) refsIn(op.requestBody.content['application/json']?.schema, bodies);
    refsIn(op.responses, responses);
  });
  const open = transitive(responses);
  for (const name of transitive(bodies)) {
    const schema = schemas[name]!;
    if (open.has(name) || schema.type !== 'object' || 'additionalProperties' in schema) continue;
    schema.additionalProperties = false;
  }
}
