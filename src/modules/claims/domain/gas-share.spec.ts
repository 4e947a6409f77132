import { gasShare } from './gas-share';

describe('gasShare', () => {
  it('gives a single claim all of the gas', () => {
    expect(gasShare(21_000n * 1_000_000_007n, 1, 0)).toBe(21_000n * 1_000_000_007n);
  });

  it('splits evenly and hands the remainder one wei each to the first claims, summing exactly', () => {
    expect([0, 1, 2].map((r) => gasShare(10n, 3, r))).toEqual([4n, 3n, 3n]);
    for (const [gas, count] of [[1n, 7], [0n, 4], [987_654_321_987_654_321n, 30], [29n, 30], [31n, 30]] as const) {
      const shares = Array.from({ length: count }, (_, r) => gasShare(gas, count, r));
      expect(shares.reduce((a, b) => a + b, 0n)).toBe(gas);
      expect(shares[0]! - shares[count - 1]!).toBeLessThanOrEqual(1n);
    }
  });

  it('refuses a rank outside the payout or an empty payout', () => {
    expect(() => gasShare(10n, 3, 3)).toThrow(RangeError);
    expect(() => gasShare(10n, 0, 0)).toThrow(RangeError);
    expect(() => gasShare(10n, 3, -1)).toThrow(RangeError);
  });
});
