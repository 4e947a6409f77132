import fc from 'fast-check';
import { formatAmount, MAX_UINT256, MoneyError, parseAmount } from './money';

// 2^256 - 1, written out by hand (78 digits) so the test does not trust the module's constant.
const MAX_DEC = '115792089237316195423570985008687907853269984665640564039457584007913129639935';
const MAX_PLUS_ONE_DEC = '115792089237316195423570985008687907853269984665640564039457584007913129639936';

/** Places a decimal point `decimals` digits from the right of an integer string (by string slicing). */
function withPoint(digits: string, decimals: number): string {
  if (decimals === 0) return digits;
  return `${digits.slice(0, digits.length - decimals)}.${digits.slice(digits.length - decimals)}`;
}

describe('MAX_UINT256', () => {
  it('is 2^256 - 1', () => {
    expect(MAX_UINT256.toString()).toBe(MAX_DEC);
    expect(MAX_UINT256 + 1n).toBe(2n ** 256n);
  });
});

describe('parseAmount', () => {
  describe('accepts plain decimal strings (6-decimals token)', () => {
    it.each<[string, bigint]>([
      ['0.1', 100000n],
      ['1', 1000000n],
      ['1.000000', 1000000n],
      ['0.000001', 1n],
      ['123456789.123456', 123456789123456n],
      ['1.5', 1500000n],
      ['10', 10000000n],
    ])('%s -> %s', (input, expected) => {
      expect(parseAmount(input, 6)).toBe(expected);
    });
  });

  describe('rejects with MoneyError', () => {
    it.each([
      '1e3',
      '1E3',
      '1e-3',
      '-1',
      '+1',
      '-0.1',
      '0',
      '0.0',
      '0.000000',
      '00',
      '0.0000001', // 7 decimals for a 6-decimals token
      '1.0000001',
      '.5',
      '5.',
      '.',
      ' 1',
      '1 ',
      '1\n',
      '\t1',
      '0x10',
      '1,5',
      '1_000',
      '1.2.3',
      'NaN',
      'Infinity',
      '-Infinity',
      '',
      '１', // full-width digit
      '١', // arabic-indic digit
    ])('%j', (input) => {
      expect(() => parseAmount(input, 6)).toThrow(MoneyError);
    });

    it.each<[string, unknown]>([
      ['a JS number 0.1', 0.1],
      ['a JS number 1', 1],
      ['a bigint', 100000n],
      ['null', null],
      ['undefined', undefined],
      ['an object', { amount: '0.1' }],
      ['an array', ['0.1']],
      ['a boxed String', new String('0.1')],
      ['a boolean', true],
    ])('non-string input: %s', (_label, input) => {
      expect(() => parseAmount(input, 6)).toThrow(MoneyError);
    });
  });

  describe('upper bound 2^256 - 1 base units', () => {
    it('the literal max for 18 decimals is what string slicing yields', () => {
      expect(withPoint(MAX_DEC, 18)).toBe('115792089237316195423570985008687907853269984665640564039457.584007913129639935');
    });

    it('accepts exactly MAX_UINT256 with 18 decimals', () => {
      expect(parseAmount('115792089237316195423570985008687907853269984665640564039457.584007913129639935', 18)).toBe(
        2n ** 256n - 1n,
      );
    });

    it('rejects MAX_UINT256 + 1 base unit with 18 decimals', () => {
      expect(() => parseAmount('115792089237316195423570985008687907853269984665640564039457.584007913129639936', 18)).toThrow(
        MoneyError,
      );
      expect(() => parseAmount(withPoint(MAX_PLUS_ONE_DEC, 18), 18)).toThrow(MoneyError);
    });

    it.each([0, 6, 18, 30, 36])('accepts max and rejects max+1 with %i decimals', (d) => {
      expect(parseAmount(withPoint(MAX_DEC, d), d)).toBe(2n ** 256n - 1n);
      expect(() => parseAmount(withPoint(MAX_PLUS_ONE_DEC, d), d)).toThrow(MoneyError);
    });

    it('rejects a much larger value and huge inputs quickly', () => {
      expect(() => parseAmount('9'.repeat(79), 0)).toThrow(MoneyError);
      expect(() => parseAmount('1' + '0'.repeat(78), 18)).toThrow(MoneyError);
      const started = Date.now();
      expect(() => parseAmount('9'.repeat(200_000), 6)).toThrow(MoneyError);
      expect(() => parseAmount('1.' + '0'.repeat(200_000), 6)).toThrow(MoneyError);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('0-decimals token', () => {
    it('accepts whole numbers', () => {
      expect(parseAmount('1', 0)).toBe(1n);
      expect(parseAmount('42', 0)).toBe(42n);
    });
    it('rejects any decimal part, even ".0"', () => {
      expect(() => parseAmount('1.0', 0)).toThrow(MoneyError);
      expect(() => parseAmount('1.5', 0)).toThrow(MoneyError);
    });
  });

  it('18 decimals: 1 wei and 1 ether', () => {
    expect(parseAmount('0.000000000000000001', 18)).toBe(1n);
    expect(parseAmount('1', 18)).toBe(1000000000000000000n);
    expect(() => parseAmount('0.0000000000000000001', 18)).toThrow(MoneyError);
  });
});

describe('formatAmount', () => {
  it.each<[bigint | string, number, string]>([
    [100000n, 6, '0.1'],
    [1n, 6, '0.000001'],
    [0n, 6, '0'],
    [1000000n, 6, '1'],
    [1500000n, 6, '1.5'],
    [123456789123456n, 6, '123456789.123456'],
    [10000000n, 6, '10'],
    [-500000n, 6, '-0.5'],
    [-1n, 6, '-0.000001'],
    [-2000000n, 6, '-2'],
    ['100000', 6, '0.1'],
    ['-500000', 6, '-0.5'],
    ['0', 6, '0'],
    [5n, 0, '5'],
    [0n, 0, '0'],
    [1n, 18, '0.000000000000000001'],
    [1000000000000000000n, 18, '1'],
    [2n ** 256n - 1n, 18, '115792089237316195423570985008687907853269984665640564039457.584007913129639935'],
  ])('%s with %i decimals -> %s', (base, decimals, expected) => {
    expect(formatAmount(base, decimals)).toBe(expected);
  });

  it('round-trips: parseAmount(formatAmount(x, d), d) === x for 1..2^256-1 and d in 0..30', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_UINT256 }), fc.integer({ min: 0, max: 30 }), (x, d) => {
        expect(parseAmount(formatAmount(x, d), d)).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips small values too (biased to few digits)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 30 }), (x, d) => {
        const s = formatAmount(x, d);
        expect(s).toMatch(/^\d+(\.\d*[1-9])?$/); // shortest form: no trailing zeros, no trailing point
        expect(parseAmount(s, d)).toBe(x);
      }),
      { numRuns: 1000 },
    );
  });
});
