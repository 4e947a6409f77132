import { ValidationError } from '../../../../platform/errors/domain-error';
import { decodeCursor, encodeCursor } from '../../../../platform/http/pagination';
import { ListClaimsHandler } from './list-claims.handler';
import { ListClaimsQuery } from './list-claims.query';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const AT = '2024-11-25T10:20:30.123Z';

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function expectCursorError(cursor: string): void {
  let caught: unknown;
  try {
    decodeCursor(cursor);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  expect((caught as ValidationError).errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  expect((caught as ValidationError).errors[0]!.message.length).toBeGreaterThan(0);
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips (createdAt, id)', () => {
    expect(decodeCursor(encodeCursor(AT, ID))).toEqual({ createdAt: AT, id: ID });
  });

  it('is opaque base64url (no +, / or = that would need URL-escaping)', () => {
    for (const id of [ID, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000']) {
      const c = encodeCursor(AT, id);
      expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(c).not.toContain(ID);
      expect(decodeCursor(c)).toEqual({ createdAt: AT, id });
    }
  });

  it('the encoding is JSON [createdAt, id] in base64url (fixed vector)', () => {
    expect(encodeCursor(AT, ID)).toBe(b64url(`["${AT}","${ID}"]`));
  });

  describe('garbage cursors -> ValidationError naming `cursor`', () => {
    it.each<[string, string]>([
      ['"abc"', 'abc'],
      ['empty string', ''],
      ['base64 of "{}"', b64url('{}')],
      ['base64 of "[]"', b64url('[]')],
      ['base64 of "null"', b64url('null')],
      ['base64 of "42"', b64url('42')],
      ['base64 of a plain string', b64url('"hello"')],
      ['non-uuid id', b64url(JSON.stringify([AT, 'not-a-uuid']))],
      ['numeric id', b64url(JSON.stringify([AT, 12345]))],
      ['SQL in the id', b64url(JSON.stringify([AT, "' OR 1=1 --"]))],
      ['id missing', b64url(JSON.stringify([AT]))],
      ['bad date', b64url(JSON.stringify(['yesterday-ish', ID]))],
      ['null date', b64url(JSON.stringify([null, ID]))],
      ['object form', b64url(JSON.stringify({ createdAt: AT, id: ID }))],
      ['truncated cursor', encodeCursor(AT, ID).slice(0, 20)],
    ])('%s', (_label, cursor) => {
      expectCursorError(cursor);
    });
  });

  describe('regressions: cursors that once reached Postgres', () => {
    // Regression (fixed): the id check is /^[0-9a-f-]{36}$/ and the date check is Date.parse (very lenient in V8), so
    // these cursors pass decodeCursor and reach Postgres as $::uuid / $::timestamptz casts, which fail -> 500
    // instead of 400.
    it('an id of 36 hyphens is rejected', () => {
      expectCursorError(b64url(JSON.stringify([AT, '-'.repeat(36)])));
    });
    it('an id of 36 hex digits (not a uuid) is rejected', () => {
      expectCursorError(b64url(JSON.stringify([AT, 'a'.repeat(36)])));
    });
    it('a createdAt of "foo 1" (Date.parse accepts it) is rejected', () => {
      expectCursorError(b64url(JSON.stringify(['foo 1', ID])));
    });
  });
});

describe('ListClaimsHandler', () => {
  function row(i: number) {
    return {
      id: `00000000-0000-4000-8000-00000000000${i}`,
      idempoKey: '0x' + String(i).repeat(64).slice(0, 64),
      wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      token: 'USDC',
      amountBase: '100000',
      decimals: 6,
      reason: `referral:${i}`,
      client: 'ci',
      status: 'pending',
      attempts: 0,
      txHash: null,
      payoutId: null,
      lastError: null,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: new Date(Date.UTC(2024, 10, 25, 10, 20, 30 - i, 123)),
      updatedAt: new Date(Date.UTC(2024, 10, 25, 10, 20, 30 - i, 123)),
      processedAt: null,
      cursorAt: `2024-11-25T10:20:${30 - i}.123456Z`,
    };
  }

  it('asks for limit+1 rows, returns limit items and a cursor to the last item', async () => {
    const repo = { list: jest.fn().mockResolvedValue([row(1), row(2), row(3)]) };
    const handler = new ListClaimsHandler(repo as any);
    const page = await handler.execute(new ListClaimsQuery(2));
    expect(repo.list).toHaveBeenCalledWith({ wallet: undefined, status: undefined, limit: 3, after: undefined });
    expect(page.items.map((c) => c.id)).toEqual([row(1).id, row(2).id]);
    expect(page.items[0]!.amount).toBe('0.1');
    expect(page.nextCursor).not.toBeNull();
    // the cursor keeps the database's microseconds (a millisecond cursor would skip rows)
    expect(decodeCursor(page.nextCursor!)).toEqual({ createdAt: '2024-11-25T10:20:28.123456Z', id: row(2).id });
  });

  it('no next cursor on the last page', async () => {
    const repo = { list: jest.fn().mockResolvedValue([row(1), row(2)]) };
    const page = await new ListClaimsHandler(repo as any).execute(new ListClaimsQuery(2));
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('normalises the wallet filter to checksum case and decodes the cursor', async () => {
    const repo = { list: jest.fn().mockResolvedValue([]) };
    const cursor = encodeCursor(AT, ID);
    await new ListClaimsHandler(repo as any).execute(
      new ListClaimsQuery(10, '0x70997970C51812DC3A010C7D01B50E0D17DC79C8', 'pending', cursor),
    );
    expect(repo.list).toHaveBeenCalledWith({
      wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      status: 'pending',
      limit: 11,
      after: { createdAt: AT, id: ID },
    });
  });

  it('a garbage cursor is rejected before the repository is queried', async () => {
    const repo = { list: jest.fn() };
    await expect(new ListClaimsHandler(repo as any).execute(new ListClaimsQuery(10, undefined, undefined, 'abc'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(repo.list).not.toHaveBeenCalled();
  });
});
