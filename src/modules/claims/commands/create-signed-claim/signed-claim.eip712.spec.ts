import { Signature, Wallet } from 'ethers';
import { SIGNED_CLAIM_TYPES, SignedClaimMessage, typedValue, verifySignedClaim } from './signed-claim.eip712';

describe('EIP-712 signed claims are vouchers of an issuer', () => {
  const issuer = Wallet.createRandom();
  const recipient = Wallet.createRandom();
  const issuers = [issuer.address.toLowerCase()];
  const now = 1_800_000_000;
  const message: SignedClaimMessage = { wallet: recipient.address, token: 'USDC', amount: '0.1', reason: 'referral:1', nonce: '7', deadline: now + 60 };
  const sign = (m: SignedClaimMessage, name = 'Payrail', chainId = 31337, by: { signTypedData: Wallet['signTypedData'] } = issuer) =>
    by.signTypedData({ name, version: '1', chainId }, SIGNED_CLAIM_TYPES, typedValue(m));
  const verify = (m: SignedClaimMessage, sig: string, at = now, domain = 'Payrail', chainId = 31337) =>
    verifySignedClaim(domain, chainId, m, sig, at, issuers);

  it('recovers the issuer and returns the recipient (both checksummed), any-case wallet in the body', async () => {
    const sig = await sign(message);
    expect(verify(message, sig)).toEqual({ wallet: recipient.address, issuer: issuer.address });
    expect(verify({ ...message, wallet: recipient.address.toLowerCase() }, sig)).toEqual({ wallet: recipient.address, issuer: issuer.address });
  });

  it('any of several issuers', async () => {
    const second = Wallet.createRandom();
    const sig = await sign(message, 'Payrail', 31337, second);
    expect(verifySignedClaim('Payrail', 31337, message, sig, now, [...issuers, second.address.toLowerCase()]).issuer).toBe(second.address);
  });

  it("the wallet's own signature is not a voucher: UNKNOWN_ISSUER", async () => {
    const self = await sign(message, 'Payrail', 31337, recipient);
    expect(() => verify(message, self)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.UNKNOWN_ISSUER' }));
    const stranger = await sign(message, 'Payrail', 31337, Wallet.createRandom());
    expect(() => verify(message, stranger)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.UNKNOWN_ISSUER' }));
  });

  it('accepts the 64-byte EIP-2098 compact form', async () => {
    const compact = Signature.from(await sign(message)).compactSerialized;
    expect(verify(message, compact).issuer).toBe(issuer.address);
  });

  it('the deadline second itself is still valid; one second later it is expired', async () => {
    const sig = await sign(message);
    expect(verify(message, sig, now + 60).wallet).toBe(recipient.address);
    expect(() => verify(message, sig, now + 61)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.EXPIRED' }));
  });

  it.each([
    ['amount', { amount: '0.2' }],
    ['token', { token: 'ETH' }],
    ['reason', { reason: 'referral:2' }],
    ['nonce', { nonce: '8' }],
    ['deadline', { deadline: now + 61 }],
    ['wallet', { wallet: Wallet.createRandom().address }],
  ])('a tampered %s recovers another address, not an issuer', async (_f, patch) => {
    const sig = await sign(message);
    expect(() => verify({ ...message, ...patch }, sig)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.UNKNOWN_ISSUER' }));
  });

  it('another chain id or domain name is refused; garbage is a bad signature, not a crash', async () => {
    expect(() => verify(message, Promise.resolve() as never)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
    expect(() => verify(message, '0x' + '00'.repeat(65), now, 'Payrail', 1)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.BAD_SIGNATURE' }));
    const other = await sign(message, 'Payrail', 1);
    expect(() => verify(message, other)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.UNKNOWN_ISSUER' }));
    const otherName = await sign(message, 'Other');
    expect(() => verify(message, otherName)).toThrow(expect.objectContaining({ code: 'SIGNED_CLAIM.UNKNOWN_ISSUER' }));
  });
});
