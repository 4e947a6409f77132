import { groupLockKey } from './group-lock-key';

describe('groupLockKey', () => {
  const id = '6f1c2f0e-3a55-4b8e-9d43-2f4c1d0b9a77';

  it('is a signed 64-bit integer string', () => {
    const k = BigInt(groupLockKey(id));
    expect(k >= -(1n << 63n) && k < 1n << 63n).toBe(true);
    expect(groupLockKey(id)).toMatch(/^-?\d+$/);
  });

  it('is deterministic and case-insensitive in the uuid', () => {
    expect(groupLockKey(id)).toBe(groupLockKey(id.toUpperCase()));
  });

  it('differs between groups and uses the full 64 bits (negative keys occur)', () => {
    const keys = new Set<string>();
    let negative = 0;
    for (let i = 0; i < 1000; i++) {
      const k = groupLockKey(`00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`);
      keys.add(k);
      if (k.startsWith('-')) negative++;
    }
    expect(keys.size).toBe(1000);
    expect(negative).toBeGreaterThan(300);
    expect(negative).toBeLessThan(700);
  });
});
