import { csvField, csvRecord, csvStream, defuseFormula, type CsvColumn } from './csv';

describe('csv escaping (RFC 4180)', () => {
  it('leaves plain fields alone and writes null as empty', () => {
    expect(csvField('0xabc')).toBe('0xabc');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('-12.5')).toBe('-12.5'); // numbers are never quoted nor prefixed
  });

  it('quotes a field holding a comma, a quote, CR or LF, and doubles its quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('line1\r\nline2')).toBe('"line1\r\nline2"');
    expect(csvField('"')).toBe('""""');
  });

  it('ends every record with CRLF', () => {
    expect(csvRecord(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });
});

describe('CSV injection (defuseFormula, free-text columns only)', () => {
  it.each(['=SUM(A1:A9)', '+1', '-1+2', '@cmd', '\t=1', '\r=1'])('prefixes %j with a single quote', (v) => {
    expect(defuseFormula(v)).toBe(`'${v}`);
  });

  it('leaves text that does not start like a formula alone', () => {
    for (const v of ['referral:1', 'a=b', '1-2', "'=already", '']) expect(defuseFormula(v)).toBe(v);
  });

  it('is applied to freeText columns only: numeric columns keep their sign for the sums', async () => {
    const columns: CsvColumn<{ amount: string; reason: string }>[] = [
      { name: 'amount', value: (r) => r.amount },
      { name: 'reason', value: (r) => r.reason, freeText: true },
    ];
    const s = await csvStream({ columns, readPage: async (after) => (after ? [] : [{ amount: '-5', reason: '=HYPERLINK("x")' }]), keyOf: () => 1 });
    expect(await text(s)).toBe('amount,reason\r\n-5,"\'=HYPERLINK(""x"")"\r\n');
  });
});

async function text(s: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const c of s) out += c.toString();
  return out;
}

describe('csvStream', () => {
  const columns: CsvColumn<number>[] = [{ name: 'n', value: (r) => String(r) }];
  const pager = (total: number) => {
    const calls: (number | null)[] = [];
    const readPage = async (after: number | null, limit: number) => {
      calls.push(after);
      const start = after === null ? 0 : after + 1;
      return Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => start + i);
    };
    return { calls, readPage };
  };

  it('writes the header and every row, a keyset page at a time', async () => {
    const p = pager(25);
    const s = await csvStream({ columns, readPage: p.readPage, keyOf: (r) => r, pageSize: 10 });
    const lines = (await text(s)).split('\r\n');
    expect(lines[0]).toBe('n');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(lines.at(-1)).toBe('');
    expect(p.calls).toEqual([null, 9, 19]); // the last page was short: no extra query
  });

  it('reads one more (empty) page after an exactly full one, and a header alone when there are no rows', async () => {
    const p = pager(20);
    await text(await csvStream({ columns, readPage: p.readPage, keyOf: (r) => r, pageSize: 10 }));
    expect(p.calls).toEqual([null, 9, 19]);
    const none = pager(0);
    expect(await text(await csvStream({ columns, readPage: none.readPage, keyOf: (r) => r, pageSize: 10 }))).toBe('n\r\n');
  });

  it('reads the first page before it resolves (a failing query is still an error response) and later pages only when pulled', async () => {
    await expect(csvStream({ columns, readPage: async () => Promise.reject(new Error('db down')), keyOf: (r: number) => r })).rejects.toThrow('db down');
    const p = pager(1000);
    const wide: CsvColumn<number>[] = [{ name: 'n', value: (r) => String(r).padStart(4000, '0') }]; // a page > the stream's 16 KiB buffer
    const s = await csvStream({ columns: wide, readPage: p.readPage, keyOf: (r) => r, pageSize: 10 });
    expect(p.calls).toEqual([null]);
    const it = s[Symbol.asyncIterator]();
    await it.next();
    expect(p.calls.length).toBeLessThan(5); // pulled lazily, not all 100 pages at once
    s.destroy();
  });
});
