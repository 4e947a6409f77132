import { keccak256, toUtf8Bytes } from 'ethers';

/**
 * idempoKey = keccak256(utf8(lower(wallet) + "|" + amountBase + "|" + TOKEN_SYMBOL + "|" + reason)), 0x-hex.
 * The one derivation of a claim's identity (API.md, seed 000).
 */
export function deriveIdempoKey(wallet: string, amountBase: bigint, token: string, reason: string): string {
  return keccak256(toUtf8Bytes(`${wallet.toLowerCase()}|${amountBase.toString()}|${token.toUpperCase()}|${reason}`));
}
