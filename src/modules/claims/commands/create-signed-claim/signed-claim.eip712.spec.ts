import { Signature, Wallet } from 'ethers';
import { SIGNED_CLAIM_TYPES, SignedClaimMessage, typedValue, verifySignedClaim } from './signed-claim.eip712';

describe('EIP-712 signed claims', () => {
  const signer = Wallet.createRandom();
  const now = 1_800_000_000;
  const message: SignedClaimMessage = { wallet: signer.address, token: 'USDC', amount: '0.1', reason: 'referral:1', nonce: '7', deadline: now + 60 };
  const sign = (m: SignedClaimMessage, name = 'Payrail', chainId = 31337) =>
    signer.signTypedData({ name, version: '1', chainId }, SIGNED_CLAIM_TYPES, typedValue(m));

  it('recovers the wallet (checksummed) from a valid signature, any-case wallet in the body', async () => {
    const sig = await sign(message);
    expect(verifySignedClaim('Payrail', 31337, message, sig, now)).toBe(signer.address);
    expect(verifySignedClaim('Payrail', 31337, { ...message, wallet: signer.address.toLowerCase() }, sig, now)).toBe(signer.address);
  });

  it('accepts the 64-byte EIP-2098 compact form', async () => {
    const compact = Signature.from(await sign(message)).compactSerialized;
    expect(verifySignedClaim('Payrail', 31337, message, compact, now)).toBe(signer.address);
  });

  it('the deadline second itself is still valid; one second later it is expired', async () => {
    const sig = await sign(message);
    expect(verifySignedClaim('Payrail', 31337, message, sig, now + 60)).toBe(signer.address);
    expect(() => verifySignedClaim('Payrail', 31337, message, sig, now + 61)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.EXPIRED' }));
  });

  it.each([
    ['amount', { amount: '0.2' }],
    ['token', { token: 'ETH' }],
    ['reason', { reason: 'referral:2' }],
    ['nonce', { nonce: '8' }],
    ['deadline', { deadline: now + 61 }],
    ['wallet', { wallet: Wallet.createRandom().address }],
  ])('a tampered %s fails', async (_f, patch) => {
    const sig = await sign(message);
    expect(() => verifySignedClaim('Payrail', 31337, { ...message, ...patch }, sig, now)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
  });

  it('another chain id or domain name fails; garbage is a bad signature, not a crash', async () => {
    expect(() => verifySignedClaim('Payrail', 31337, message, Promise.resolve() as never, now)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
    expect(() => verifySignedClaim('Payrail', 1, message, '0x' + '00'.repeat(65), now)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
    const other = await sign(message, 'Payrail', 1);
    expect(() => verifySignedClaim('Payrail', 31337, message, other, now)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
    const otherName = await sign(message, 'Other');
    expect(() => verifySignedClaim('Payrail', 31337, message, otherName, now)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
  });
});
