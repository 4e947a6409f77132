import { parseInstant, timeRangeOf } from './time-range';

describe('parseInstant (report ranges)', () => {
  it('takes a bare date as midnight UTC and a date-time with its offset as is', () => {
    expect(parseInstant('2025-01-31')).toBe('2025-01-31T00:00:00Z');
    expect(parseInstant('2025-01-31T12:30:00Z')).toBe('2025-01-31T12:30:00Z');
    expect(parseInstant('2025-01-31T12:30:00.123456+02:00')).toBe('2025-01-31T12:30:00.123456+02:00');
    expect(parseInstant('2024-02-29T23:59Z')).toBe('2024-02-29T23:59Z');
    expect(parseInstant('2025-01-31T12:30:00-0530')).toBe('2025-01-31T12:30:00-0530');
  });

  it.each([
    '2025-01-31T12:30:00', // no offset: would depend on a time zone
    '2025-02-30', // no such day (Date would roll it into March)
    '2025-02-29T00:00:00Z',
    '2025-13-01',
    '2025-01-31T24:00:00Z',
    '2025-01-31T12:60:00Z',
    'yesterday',
    '1738368000',
    '2025-01-31T12:00:00+15:00',
    '',
  ])('refuses %j', (v) => {
    expect(parseInstant(v)).toBeNull();
  });
});

describe('timeRangeOf', () => {
  it('normalises both bounds and leaves a missing one unbounded', () => {
    expect(timeRangeOf({ from: '2025-01-01', to: '2025-02-01T00:00:00+01:00' })).toEqual({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00+01:00' });
    expect(timeRangeOf({})).toEqual({ from: null, to: null });
  });
  it('refuses an empty range with a 400 naming `to`', () => {
    expect(() => timeRangeOf({ from: '2025-02-01', to: '2025-01-01' })).toThrow(/to: must be after from/);
    expect(() => timeRangeOf({ from: '2025-01-01T01:00:00+01:00', to: '2025-01-01' })).toThrow(/to: must be after from/);
  });
});
