import { deriveIdempoKey } from './idempo-key';

/*
 * Fixed vectors, computed outside this module with two independent keccak-256 implementations that agree
 * (ethers.keccak256(toUtf8Bytes(s)) and js-sha3 keccak_256(Buffer.from(s, 'utf8'))) over the exact
 * preimage string shown next to each vector.
 */
const ALICE_LOWER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const ALICE_CHECKSUM = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BOB_LOWER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';

describe('deriveIdempoKey', () => {
  it('vector 1: "0x7099...79c8|100000|USDC|referral:123"', () => {
    expect(deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:123')).toBe(
      '0x3acbe00078b25f89106d7075226a339f3dbdeecd140a53c83edf789db8d09fcb', // keccak test vector, not a key
    );
  });

  it('mixed-case (checksummed) and upper-case wallet give the same key as lower case', () => {
    const expected = '0x3acbe00078b25f89106d7075226a339f3dbdeecd140a53c83edf789db8d09fcb'; // keccak test vector, not a key
    expect(deriveIdempoKey(ALICE_CHECKSUM, 100000n, 'USDC', 'referral:123')).toBe(expected);
    expect(deriveIdempoKey('0x' + ALICE_LOWER.slice(2).toUpperCase(), 100000n, 'USDC', 'referral:123')).toBe(expected);
  });

  it('token given in lower/mixed case is upper-cased', () => {
    const expected = '0x3acbe00078b25f89106d7075226a339f3dbdeecd140a53c83edf789db8d09fcb'; // keccak test vector, not a key
    expect(deriveIdempoKey(ALICE_LOWER, 100000n, 'usdc', 'referral:123')).toBe(expected);
    expect(deriveIdempoKey(ALICE_CHECKSUM, 100000n, 'uSdC', 'referral:123')).toBe(expected);
  });

  it('vector 2: unicode reason "bonus:café☕" is hashed as UTF-8 (preimage "...|1000000|USDC|bonus:caf\\u00e9\\u2615")', () => {
    expect(deriveIdempoKey(ALICE_LOWER, 1000000n, 'USDC', 'bonus:caf\u00e9\u2615')).toBe(
      '0x8d00e84bb03f2bf401963b9943d29e5247d88cca58357db15592c958034a37bb', // keccak test vector, not a key
    );
  });

  it('vector 3: 1 ETH in wei to another wallet (preimage "0x3c44...93bc|1000000000000000000|ETH|welcome")', () => {
    expect(deriveIdempoKey(BOB_LOWER, 1000000000000000000n, 'eth', 'welcome')).toBe(
      '0x03cc2553d759da2dbdb621b663841966ff2d5e27312984b3167e8678db5136ff', // keccak test vector, not a key
    );
  });

  it('vector 4: amount 2^256-1 is written in full decimal, not exponent form', () => {
    expect(deriveIdempoKey(ALICE_CHECKSUM, 2n ** 256n - 1n, 'ETH', 'max')).toBe(
      '0xc16d65205b09f70038a1569f8b0875c97f9b57db6544062d69ac3a77875841c9', // keccak test vector, not a key
    );
  });

  it('vector 5: reason "referral:124"', () => {
    expect(deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:124')).toBe(
      '0x955259df01785074f4eefd16212c65a17f2d9d98a958f45b1b6c9545ce8a9a07', // keccak test vector, not a key
    );
  });

  it('the reason is case- and whitespace-sensitive (it is not normalised)', () => {
    const base = deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:123');
    expect(deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'Referral:123')).not.toBe(base);
    expect(deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:123 ')).not.toBe(base);
  });

  it('any differing field gives a different key', () => {
    const base = deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:123');
    const variants = [
      deriveIdempoKey(ALICE_LOWER, 100000n, 'USDC', 'referral:124'),
      deriveIdempoKey(ALICE_LOWER, 100001n, 'USDC', 'referral:123'),
      deriveIdempoKey(ALICE_LOWER, 100000n, 'ETH', 'referral:123'),
      deriveIdempoKey(BOB_LOWER, 100000n, 'USDC', 'referral:123'),
    ];
    expect(new Set([base, ...variants]).size).toBe(5);
  });

  it('returns 0x + 64 lower-case hex digits', () => {
    for (const key of [
      deriveIdempoKey(ALICE_CHECKSUM, 1n, 'USDC', 'x'),
      deriveIdempoKey(BOB_LOWER, 2n ** 256n - 1n, 'eth', 'bonus:caf\u00e9\u2615'),
    ]) {
      expect(key).toMatch(/^0x[0-9a-f]{64}$/);
    }
  });
});
