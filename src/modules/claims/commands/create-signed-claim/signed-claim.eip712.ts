import { getAddress, TypedDataDomain, TypedDataField, verifyTypedData } from 'ethers';
import { DomainError } from '../../../../platform/errors/domain-error';

/**
 * EIP-712 signed claims are VOUCHERS (ALLOW_SIGNED_CLAIMS=true): one of the platform's issuer keys
 * (CLAIM_ISSUERS) signs what a wallet may claim, and the recipient (or anyone) submits it without an API key.
 * A signature by any other key, the wallet's own included, is refused: a wallet signing its own claim would
 * be a treasury drain. The typed data, exactly:
 *
 *   domain  { name: SIGNED_CLAIM_DOMAIN_NAME ("Payrail"), version: "1", chainId: <the chain's id> }
 *           (no verifyingContract, no salt: the service is named by `name`, the chain by `chainId`)
 *   primaryType "Claim"
 *   Claim   { address wallet; string token; string amount; string reason; uint256 nonce; uint256 deadline }
 *
 * `wallet` is the recipient, not the signer. `token`, `amount` and `reason` are signed as the exact strings
 * sent in the body; `nonce` (sent as a decimal string) is spent once per ISSUER; `deadline` (sent as a JSON integer) is unix seconds, valid up to
 * and including that second.
 */
export const SIGNED_CLAIM_TYPES: Record<string, TypedDataField[]> = {
  Claim: [
    { name: 'wallet', type: 'address' },
    { name: 'token', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

export const SIGNED_CLAIM_DOMAIN_VERSION = '1';

export function signedClaimDomain(name: string, chainId: number): TypedDataDomain {
  return { name, version: SIGNED_CLAIM_DOMAIN_VERSION, chainId };
}

export interface SignedClaimMessage {
  wallet: string;
  token: string;
  amount: string;
  reason: string;
  /** decimal string of a uint256 */
  nonce: string;
  /** unix seconds */
  deadline: number;
}

export function typedValue(m: SignedClaimMessage): Record<string, unknown> {
  return {
    wallet: m.wallet.toLowerCase(),
    token: m.token,
    amount: m.amount,
    reason: m.reason,
    nonce: BigInt(m.nonce),
    deadline: BigInt(m.deadline),
  };
}

export class SignedClaimError extends DomainError {
  constructor(
    code: 'SIGNED_CLAIM.BAD_SIGNATURE' | 'SIGNED_CLAIM.UNKNOWN_ISSUER' | 'SIGNED_CLAIM.EXPIRED' | 'SIGNED_CLAIM.NONCE_USED',
    detail: string,
  ) {
    super(code, detail);
  }
}

export interface VerifiedVoucher {
  /** the recipient, checksummed */
  wallet: string;
  /** the issuer whose key signed it, checksummed (one of CLAIM_ISSUERS) */
  issuer: string;
}

/**
 * Verifies the deadline and the signature, and that the signer is one of `issuers` (lower-case addresses).
 * Returns the checksummed recipient and issuer; throws SignedClaimError (401). ECDSA recovery cannot tell a
 * tampered field, another chain id or another domain name from another signer: each recovers some other
 * address, which is not an issuer (UNKNOWN_ISSUER). A signature that recovers nothing is BAD_SIGNATURE.
 */
export function verifySignedClaim(
  domainName: string,
  chainId: number,
  m: SignedClaimMessage,
  signature: string,
  nowSec: number,
  issuers: readonly string[],
): VerifiedVoucher {
  if (m.deadline < nowSec) {
    throw new SignedClaimError('SIGNED_CLAIM.EXPIRED', `The signed claim expired at ${m.deadline} (unix seconds); ask the issuer for a new one.`);
  }
  let recovered: string;
  try {
    recovered = getAddress(verifyTypedData(signedClaimDomain(domainName, chainId), SIGNED_CLAIM_TYPES, typedValue(m), signature));
  } catch {
    throw new SignedClaimError('SIGNED_CLAIM.BAD_SIGNATURE', 'The signature is not a valid EIP-712 signature.');
  }
  if (!issuers.includes(recovered.toLowerCase())) {
    throw new SignedClaimError(
      'SIGNED_CLAIM.UNKNOWN_ISSUER',
      `The EIP-712 signature was not made by a claim issuer for this exact claim on chain ${chainId} (domain "${domainName}", ` +
        `version ${SIGNED_CLAIM_DOMAIN_VERSION}); a wallet cannot sign its own claim.`,
    );
  }
  return { wallet: getAddress(m.wallet.toLowerCase()), issuer: recovered };
}
