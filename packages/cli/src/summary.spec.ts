import { exitCodeOf, newTally, outcomeOf, summaryLine } from './summary';
import { isDone, countsLine } from './commands/claims-watch';
import { csvField } from './csv';
import { ownAttemptMayHaveRun } from './commands/claims-import';
import { errorLine } from './main';
import { CliError, problemLine } from './context';

/** How answers become the summary line, the exit code and the error line (API.md "Programs, client, CLI"). */
describe('outcomes, summary and exit code', () => {
  it('201 created, 200 existing, every other item status refused', () => {
    expect(outcomeOf(201)).toBe('created');
    expect(outcomeOf(200)).toBe('existing');
    for (const s of [400, 403, 409, 422, 429]) expect(outcomeOf(s)).toBe('refused');
  });
  it("a replay of an earlier run's request counts its 201s as existing (a re-run reports created 0)", () => {
    expect(outcomeOf(201, true)).toBe('existing');
    expect(outcomeOf(200, true)).toBe('existing');
    expect(outcomeOf(409, true)).toBe('refused');
  });
  it('a replayed chunk is our own only if an attempt of this run may have run unanswered', () => {
    expect(ownAttemptMayHaveRun([])).toBe(false);
    expect(ownAttemptMayHaveRun([{ attempt: 1, delayMs: 1000, reason: 'in-flight', status: 409 }, { attempt: 2, delayMs: 1000, reason: 'rate-limited', status: 429 }])).toBe(false);
    for (const reason of ['network', 'timeout', 'server-error'] as const) expect(ownAttemptMayHaveRun([{ attempt: 1, delayMs: 1, reason }])).toBe(true);
  });
  it('prints the summary line of API.md and exits 0 with nothing refused, 2 with some', () => {
    const t = newTally();
    expect(summaryLine(t)).toBe('created 0, existing 0, refused 0');
    expect(exitCodeOf(t)).toBe(0);
    Object.assign(t, { created: 4970, existing: 20, refused: 10 });
    expect(summaryLine(t)).toBe('created 4970, existing 20, refused 10');
    expect(exitCodeOf(t)).toBe(2);
  });
});

describe('watch', () => {
  it('is done when nothing is pending, held, processing or submitted', () => {
    expect(isDone({ pending: 0, held: 0, processing: 0, submitted: 0, completed: 5, failed: 1 })).toBe(true);
    expect(isDone({ completed: 5 })).toBe(true);
    for (const s of ['pending', 'held', 'processing', 'submitted']) expect(isDone({ completed: 5, [s]: 1 })).toBe(false);
    expect(countsLine({ completed: 2, pending: 1 })).toBe('pending 1, completed 2');
  });
});

describe('output helpers', () => {
  it('quotes CSV fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\n')).toBe('"say ""hi""\n"');
  });
  it('one line per error: problem code, title, detail; a network failure names its cause', () => {
    expect(problemLine(401, { title: 'Unauthorized', detail: 'missing or invalid API key', code: 'AUTH.UNAUTHORIZED' })).toBe('401 AUTH.UNAUTHORIZED: Unauthorized: missing or invalid API key');
    expect(problemLine(502, undefined)).toBe('502');
    expect(errorLine(new CliError('bad\nsecond line'))).toBe('bad');
    expect(errorLine(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe('fetch failed (ECONNREFUSED): is PAYRAIL_URL (or --url) right?');
  });
});
