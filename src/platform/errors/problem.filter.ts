import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JSON_TOO_DEEP, MAX_JSON_DEPTH } from '../http/json-depth';
import { DomainError, ValidationError } from './domain-error';
import { Problem, problem, PROBLEM_CONTENT_TYPE } from './problem';

/** Domain error code -> HTTP status. A code not listed here is a 400. */
const STATUS_BY_CODE: Record<string, number> = {
  'CLAIM.NOT_FOUND': 404,
  'PAYOUT.NOT_FOUND': 404,
  'CLAIM.NOT_CANCELLABLE': 409,
  'CLAIM.OVER_LIMIT': 422,
  'CLAIM.CLAIMED_BY_ANOTHER_CLIENT': 409,
  'CLAIM.NOT_REQUEUEABLE': 409,
  'CLAIM.WALLET_DENIED': 403,
  'CLAIM.NOT_HELD': 409,
  'CLAIM.SELF_APPROVAL': 403,
  'DLQ.NOT_FOUND': 404,
  'DENYLIST.NOT_FOUND': 404,
  'PROGRAM.NOT_FOUND': 404,
  'PROGRAM.BUDGET_EXCEEDED': 409,
  'PROGRAM.CLOSED': 409,
  'PROGRAM.TOKEN_MISMATCH': 400,
  'SIGNER.NOT_FOUND': 404,
  'SIGNER.IN_FLIGHT': 409,
  'SIGNER.KEY_NOT_LOADED': 409,
  'SIGNER.NONCE_HELD': 409,
  'PAYOUT.CAUSE_PRESENT': 409,
  // the remote signer (REMOTE_SIGNER_URL) failed or lied while an admin route signed (a cancel): nothing was stored
  'SIGNER.REMOTE_FAILED': 502,
  'SIGNER.REMOTE_TIMEOUT': 504,
  'SIGNER.MISMATCH': 502,
  'AUTH.UNAUTHORIZED': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.SCOPE_MISSING': 403,
  'WEBHOOK_ENDPOINT.LIMIT_REACHED': 409,
  'WEBHOOK.UNAUTHORIZED': 401,
  'WEBHOOK_ENDPOINT.NOT_FOUND': 404,
  'WEBHOOK_ENDPOINT.DISABLED': 409,
  'WEBHOOK_DELIVERY.NOT_FOUND': 404,
  'WEBHOOK_DELIVERY.IN_PROGRESS': 409,
  'GROUP.NOT_FOUND': 404,
  'CYCLE.NOT_FOUND': 404,
  'CYCLE.NOT_REPAYABLE': 409,
  'CYCLE.PAYOUT_CLAIM_CONFLICT': 409,
  'SIGNED_CLAIM.BAD_SIGNATURE': 401,
  'SIGNED_CLAIM.EXPIRED': 401,
  'SIGNED_CLAIM.UNKNOWN_ISSUER': 401,
  'SIGNED_CLAIM.NONCE_USED': 401,
  'IDEMPOTENCY.IN_FLIGHT': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'RATE_LIMIT.EXCEEDED': 429,
};

function slugOf(code: string): string {
  return code.toLowerCase().replace(/[._]/g, '-');
}

/**
 * What may be logged of an unexpected error: its class, driver code and a message with SQL, secrets and
 * stack frames removed (API.md: no stack traces, SQL or secrets in any log line).
 */
export function describeSafely(err: unknown): string {
  if (!(err instanceof Error)) return `non-error value of type ${typeof err}`;
  const code = (err as { code?: unknown }).code;
  let message = (err.message.split('\n')[0] ?? '').slice(0, 300);
  if (/\b(select|insert|update|delete|with)\b[\s\S]*\b(from|into|set|values)\b/i.test(message)) message = '[message with SQL omitted]';
  message = message
    .replace(/((?:password|passwd|secret|token|key|authorization)\s*[=:]\s*)\S+/gi, '$1[redacted]')
    .replace(/0x[0-9a-fA-F]{64}/g, '[redacted-32-bytes]')
    .replace(/\/\/([^:@/\s]+):([^@/\s]+)@/g, '//$1:[redacted]@');
  return `${err.name}${typeof code === 'string' || typeof code === 'number' ? ` (${code})` : ''}: ${message}`;
}

/** Maps anything thrown into a problem. Exported so the raw Fastify error handler can share it. */
export function toProblem(err: unknown, logger: Logger): Problem {
  if (err instanceof ValidationError) {
    return problem(400, 'validation', 'The request is invalid.', { code: err.code, errors: err.errors });
  }
  if (err instanceof DomainError) {
    const status = STATUS_BY_CODE[err.code] ?? 400;
    const extra: Partial<Problem> = { code: err.code };
    if (err.field) extra.errors = [{ field: err.field, message: err.detail }];
    return problem(status, slugOf(err.code), err.detail, extra);
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const detail =
      typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? err.message);
    if (typeof body === 'object' && body !== null && 'details' in body) {
      // Terminus: a failed readiness check, with what is down
      return problem(status, 'not-ready', 'One or more dependencies are down.', {
        checks: (body as { details: unknown }).details,
      } as Partial<Problem>);
    }
    return problem(status, `http-${status}`, status >= 500 ? 'Internal error' : detail);
  }
  const fastifyErr = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyErr?.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
    // Fastify's own errors (body too large, bad JSON, bad content type): safe, fixed messages.
    const status = fastifyErr.statusCode;
    const detail =
      fastifyErr.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body exceeds the size limit of this route (64 KiB; 1 MiB for POST /v1/claims/batch).'
        : fastifyErr.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Content-Type must be application/json.'
          : fastifyErr.code === JSON_TOO_DEEP
            ? `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels.`
            : status === 400
            ? 'The request body is not valid JSON.'
            : 'The request could not be processed.';
    return problem(status, `http-${status}`, detail);
  }
  logger.error(`unhandled error: ${describeSafely(err)}`);
  return problem(500, 'internal', 'An internal error occurred. It has been logged.');
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): void {
  void reply.status(p.status).headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE }).send(JSON.stringify(p));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    const p = toProblem(err, this.logger);
    p.instance = req.url.split('?')[0];
    const headers: Record<string, string> = {};
    if (err instanceof HttpException) {
      const h = (err.getResponse() as { headers?: Record<string, string> }).headers;
      if (h) Object.assign(headers, h);
    } else if (err instanceof DomainError) {
      // e.g. Retry-After on 409 (idempotency in flight) and 429 (with the RateLimit headers)
      const h = (err as DomainError & { headers?: Record<string, string> }).headers;
      if (h) Object.assign(headers, h);
    }
    sendProblem(reply, p, headers);
  }
}
