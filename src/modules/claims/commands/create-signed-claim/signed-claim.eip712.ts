import { getAddress, TypedDataDomain, TypedDataField, verifyTypedData } from 'ethers';
import { DomainError } from '../../../../platform/errors/domain-error';

/**
 * EIP-712 signed claims: the wallet itself signs what it claims, so an end user can claim without the
 * platform's API key (ALLOW_SIGNED_CLAIMS=true). The typed data, exactly:
 *
 *   domain  { name: SIGNED_CLAIM_DOMAIN_NAME ("Payrail"), version: "1", chainId: <the chain's id> }
 *           (no verifyingContract, no salt: the service is named by `name`, the chain by `chainId`)
 *   primaryType "Claim"
 *   Claim   { address wallet; string token; string amount; string reason; uint256 nonce; uint256 deadline }
 *
 * `token`, `amount` and `reason` are signed as the exact strings sent in the body; `nonce` (sent as a
 * decimal string) is spent once per wallet; `deadline` (sent as a JSON integer) is unix seconds, valid up to
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
  constructor(code: 'SIGNED_CLAIM.BAD_SIGNATURE' | 'SIGNED_CLAIM.EXPIRED' | 'SIGNED_CLAIM.NONCE_USED', detail: string) {
    super(code, detail);
  }
}

/**
 * Verifies the signature and the deadline. Returns the checksummed wallet; throws SignedClaimError (401).
 * A tampered field, another chain id or another domain name all recover a different address.
 */
export function verifySignedClaim(domainName: string, chainId: number, m: SignedClaimMessage, signature: string, nowSec: number): string {
  if (m.deadline < nowSec) {
    throw new SignedClaimError('SIGNED_CLAIM.EXPIRED', `The signed claim expired at ${m.deadline} (unix seconds); sign a new one.`);
  }
  let recovered: string;
  try {
    recovered = verifyTypedData(signedClaimDomain(domainName, chainId), SIGNED_CLAIM_TYPES, typedValue(m), signature);
  } catch {
    throw new SignedClaimError('SIGNED_CLAIM.BAD_SIGNATURE', 'The signature is not a valid EIP-712 signature.');
  }
  const wallet = getAddress(m.wallet.toLowerCase());
  if (getAddress(recovered) !== wallet) {
    throw new SignedClaimError(
      'SIGNED_CLAIM.BAD_SIGNATURE',
      `The EIP-712 signature does not match the wallet for this claim on chain ${chainId} (domain "${domainName}", version ${SIGNED_CLAIM_DOMAIN_VERSION}).`,
    );
  }
  return wallet;
}
