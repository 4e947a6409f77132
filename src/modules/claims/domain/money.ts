/** Decimal-string money in token units <-> integer base units. Pure; no floating point anywhere. */
export const MAX_UINT256 = (1n << 256n) - 1n;

export class MoneyError extends Error {}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses "0.1" with `decimals` into base units. Rejects zero, signs, exponents, excess decimals, > 2^256-1. */
export function parseAmount(input: unknown, decimals: number): bigint {
  if (typeof input !== 'string') throw new MoneyError('must be a decimal string such as "0.1"');
  const m = DECIMAL.exec(input);
  if (!m) throw new MoneyError('must be a plain decimal string such as "0.1" (no sign, exponent or spaces)');
  const whole = m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw new MoneyError(`has more than ${decimals} decimals`);
  if (whole.length > 80) throw new MoneyError('exceeds 2^256-1 base units');
  const base = BigInt(whole + frac.padEnd(decimals, '0'));
  if (base === 0n) throw new MoneyError('must be greater than zero');
  if (base > MAX_UINT256) throw new MoneyError('exceeds 2^256-1 base units');
  return base;
}

/** Formats base units as the shortest decimal string ("100000" with 6 decimals -> "0.1"). */
export function formatAmount(base: bigint | string, decimals: number): string {
  const value = typeof base === 'string' ? BigInt(base) : base;
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}
