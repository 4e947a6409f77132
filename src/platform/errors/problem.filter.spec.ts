import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ClaimNotCancellableError, ClaimNotFoundError, UnknownTokenError } from '../../modules/claims/domain/claim.errors';
import { DomainError, ValidationError } from './domain-error';
import { toProblem } from './problem.filter';

function stubLogger() {
  return { error: jest.fn(), warn: jest.fn(), log: jest.fn() } as any;
}

function expectProblemShape(p: Record<string, unknown>): void {
  expect(typeof p.type).toBe('string');
  expect(p.type).toMatch(/^https?:\/\//);
  expect(typeof p.title).toBe('string');
  expect((p.title as string).length).toBeGreaterThan(0);
  expect(typeof p.status).toBe('number');
  expect(typeof p.detail).toBe('string');
  expect((p.detail as string).length).toBeGreaterThan(0);
}

describe('toProblem', () => {
  it('ValidationError -> 400 with an errors array naming each field', () => {
    const logger = stubLogger();
    const p = toProblem(
      new ValidationError([
        { field: 'amount', message: 'must be a decimal string such as "0.1"' },
        { field: 'wallet', message: 'is not an address' },
      ]),
      logger,
    );
    expectProblemShape(p as any);
    expect(p.status).toBe(400);
    expect(p.title).toBe('Bad Request');
    expect(p.errors).toEqual([
      { field: 'amount', message: 'must be a decimal string such as "0.1"' },
      { field: 'wallet', message: 'is not an address' },
    ]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("DomainError 'CLAIM.NOT_FOUND' -> 404", () => {
    const p = toProblem(new ClaimNotFoundError('7c9e6679-7425-40de-944b-e07fc1f90ae7'), stubLogger());
    expectProblemShape(p as any);
    expect(p.status).toBe(404);
    expect(p.title).toBe('Not Found');
    expect(p.code).toBe('CLAIM.NOT_FOUND');
    expect(p.detail).toContain('7c9e6679-7425-40de-944b-e07fc1f90ae7');
  });

  it("DomainError 'CLAIM.NOT_CANCELLABLE' -> 409", () => {
    const p = toProblem(new ClaimNotCancellableError('abc', 'completed'), stubLogger());
    expectProblemShape(p as any);
    expect(p.status).toBe(409);
    expect(p.title).toBe('Conflict');
    expect(p.code).toBe('CLAIM.NOT_CANCELLABLE');
  });

  it('the same codes built directly as DomainError map the same way', () => {
    expect(toProblem(new DomainError('CLAIM.NOT_FOUND', 'x'), stubLogger()).status).toBe(404);
    expect(toProblem(new DomainError('CLAIM.NOT_CANCELLABLE', 'x'), stubLogger()).status).toBe(409);
    expect(toProblem(new DomainError('PAYOUT.NOT_FOUND', 'x'), stubLogger()).status).toBe(404);
    expect(toProblem(new DomainError('AUTH.UNAUTHORIZED', 'x'), stubLogger()).status).toBe(401);
    expect(toProblem(new DomainError('AUTH.FORBIDDEN', 'x'), stubLogger()).status).toBe(403);
  });

  it('an unlisted domain code is a 400; a DomainError with a field carries errors[]', () => {
    const p = toProblem(new UnknownTokenError('DOGE', ['ETH', 'USDC']), stubLogger());
    expect(p.status).toBe(400);
    expect(p.errors).toEqual([{ field: 'token', message: expect.stringContaining('DOGE') }]);
  });

  it('a Fastify body-too-large error -> 413 with a fixed message', () => {
    const err = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const logger = stubLogger();
    const p = toProblem(err, logger);
    expectProblemShape(p as any);
    expect(p.status).toBe(413);
    expect(p.title).toBe('Payload Too Large');
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('a plain object shaped like a Fastify error -> 413 too', () => {
    const p = toProblem({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }, stubLogger());
    expect(p.status).toBe(413);
    expectProblemShape(p as any);
  });

  it('Fastify 415 and bad JSON 400 do not echo the request body', () => {
    const p415 = toProblem({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'Unsupported Media Type: text/evil' }, stubLogger());
    expect(p415.status).toBe(415);
    const p400 = toProblem(
      Object.assign(new SyntaxError('Unexpected token h in JSON at position 10: {"secret":"hunter2"'), { statusCode: 400 }),
      stubLogger(),
    );
    expect(p400.status).toBe(400);
    expect(JSON.stringify(p400)).not.toContain('hunter2');
  });

  it('Nest HttpExceptions keep their status; 5xx details are not passed through', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'), stubLogger()).status).toBe(404);
    expect(toProblem(new BadRequestException('bad'), stubLogger()).status).toBe(400);
    const p = toProblem(new HttpException('db password=hunter2 unreachable', 502), stubLogger());
    expect(p.status).toBe(502);
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });

  it('a Terminus-style 503 reports the checks, not the error text', () => {
    const p = toProblem(
      new ServiceUnavailableException({ status: 'error', details: { db: { status: 'down' } } }),
      stubLogger(),
    );
    expect(p.status).toBe(503);
    expect(p.checks).toEqual({ db: { status: 'down' } });
  });

  describe('an unknown error -> 500 that leaks nothing', () => {
    const err = new Error('select * from secret_table password=hunter2');

    it('has type/title/status/detail and no SQL or secret anywhere in the body', () => {
      const logger = stubLogger();
      const p = toProblem(err, logger);
      expectProblemShape(p as any);
      expect(p.status).toBe(500);
      expect(p.title).toBe('Internal Server Error');
      expect(p.detail.toLowerCase()).not.toContain('select');
      expect(p.detail).not.toContain('hunter2');
      const body = JSON.stringify(p);
      expect(body.toLowerCase()).not.toContain('select');
      expect(body).not.toContain('hunter2');
      expect(body).not.toContain('secret_table');
      expect(body).not.toMatch(/at .*\.ts:\d+/); // no stack frames
      expect(p.errors).toBeUndefined();
    });

    it('is logged (once) for the operator', () => {
      const logger = stubLogger();
      toProblem(err, logger);
      expect(logger.error).toHaveBeenCalledTimes(1);
    });

    it('a thrown non-Error value also maps to 500', () => {
      expect(toProblem('password=hunter2', stubLogger()).status).toBe(500);
      expect(toProblem(undefined, stubLogger()).status).toBe(500);
      expect(JSON.stringify(toProblem('password=hunter2', stubLogger()))).not.toContain('hunter2');
    });

    it('an error carrying statusCode >= 500 is still a generic 500', () => {
      const p = toProblem(Object.assign(new Error('password=hunter2'), { statusCode: 502 }), stubLogger());
      expect(p.status).toBe(500);
      expect(JSON.stringify(p)).not.toContain('hunter2');
    });

    // Regression (fixed), from API.md "No stack traces, SQL, or secrets in any response or log line": the raw
    // message and stack of an unhandled error are passed to the logger verbatim.
    it('the log line carries no SQL, secret or stack trace', () => {
      const logger = stubLogger();
      toProblem(err, logger);
      const logged = JSON.stringify(logger.error.mock.calls);
      expect(logged).not.toContain('hunter2');
      expect(logged.toLowerCase()).not.toContain('select *');
      expect(logged).not.toMatch(/\n\s+at /);
    });
  });
});
