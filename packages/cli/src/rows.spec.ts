import { originalColumns, parseHeader, parseRow } from './rows';

/** The local shape checks of an import CSV: the header, the column count, empty fields (nothing else). */
describe('parseHeader', () => {
  it('takes the four names in any order and case, trimmed', () => {
    expect(parseHeader(['wallet', 'token', 'amount', 'reason'])).toEqual({ wallet: 0, token: 1, amount: 2, reason: 3 });
    expect(parseHeader([' Reason', 'AMOUNT ', 'wallet', 'token'])).toEqual({ reason: 0, amount: 1, wallet: 2, token: 3 });
  });
  it('refuses a missing, extra, repeated or unknown column, and a data row taken for a header', () => {
    for (const h of [['wallet', 'token', 'amount'], ['wallet', 'token', 'amount', 'reason', 'x'], ['wallet', 'wallet', 'amount', 'reason'], ['wallet', 'token', 'amount', 'memo'], ['0x7099', 'USDC', '1', 'r:1']]) {
      expect(parseHeader(h)).toEqual({ error: expect.stringContaining('wallet,token,amount,reason') });
    }
  });
});

describe('parseRow', () => {
  const header = { wallet: 0, token: 1, amount: 2, reason: 3 };
  it('a row of four non-empty fields is a claim (trimmed), whatever the server will think of it', () => {
    expect(parseRow([' 0xabc ', 'USDC', '0.1234567', 'cycle:1'], header)).toEqual({ row: { wallet: '0xabc', token: 'USDC', amount: '0.1234567', reason: 'cycle:1' } });
  });
  it('follows the header order', () => {
    expect(parseRow(['r:1', '2', '0xabc', 'ETH'], { reason: 0, amount: 1, wallet: 2, token: 3 })).toEqual({ row: { wallet: '0xabc', token: 'ETH', amount: '2', reason: 'r:1' } });
  });
  it('refuses a wrong column count', () => {
    expect(parseRow(['0xabc', 'USDC', '1'], header)).toEqual({ refusal: { code: 'CSV.COLUMN_COUNT', detail: 'expected 4 columns, got 3' } });
    expect(parseRow(['0xabc', 'USDC', '1', 'r', 'x'], header)).toEqual({ refusal: { code: 'CSV.COLUMN_COUNT', detail: 'expected 4 columns, got 5' } });
  });
  it('refuses empty or blank fields, naming them', () => {
    expect(parseRow(['0xabc', '', ' ', 'r'], header)).toEqual({ refusal: { code: 'CSV.EMPTY_FIELD', detail: 'empty token, amount' } });
  });
  it('originalColumns puts the fields of a refused row in column order', () => {
    expect(originalColumns(['r', '1', '0xabc'], { reason: 0, amount: 1, wallet: 2, token: 3 })).toEqual(['0xabc', '', '1', 'r']);
    expect(originalColumns(['a', 'b'], undefined)).toEqual(['a', 'b', '', '']);
  });
});
