import { Transaction } from 'ethers';
import { SignerMismatchError, UnsignedTx } from './tx-signer';

/** Longer than any payout this engine signs (a 200-line batch is about 13 KB of calldata): refused unparsed. */
const MAX_RAW_TX_HEX = 2 + 2 * 256 * 1024;

/**
 * The remote signer's answer checked against the request (ADR 0007): a signer that is compromised, buggy or
 * pointed at the wrong account must never make Payrail store (and later broadcast) a transaction other than
 * the one it decided to send. `raw` must parse as a signed EIP-1559 transaction whose recovered sender is
 * `address` and whose to, value, data, nonce, chain id, gas limit, fees and (empty) access list are exactly
 * `expected`. Anything else: SignerMismatchError naming each difference (addresses and numbers, no secret).
 */
export function verifySignedTx(raw: unknown, expected: UnsignedTx, address: string, who: string): string {
  if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]+$/.test(raw) || raw.length > MAX_RAW_TX_HEX) {
    throw new SignerMismatchError(`${who} answered without a signed raw transaction (0x hex); refused, nothing stored`);
  }
  let tx: Transaction;
  let from: string | null;
  try {
    tx = Transaction.from(raw);
    from = tx.from; // recovers the sender from the signature (null when unsigned)
  } catch {
    throw new SignerMismatchError(`${who} answered bytes that are not a valid signed transaction; refused, nothing stored`);
  }
  const diffs: string[] = [];
  const differs = (field: string, got: unknown, want: unknown) => {
    if (got !== want) diffs.push(`${field} ${String(got)} instead of ${String(want)}`);
  };
  differs('type', tx.type, 2);
  if (from === null) diffs.push('no signature');
  else differs('from', from.toLowerCase(), address.toLowerCase());
  differs('to', tx.to?.toLowerCase() ?? null, expected.to.toLowerCase());
  differs('value', tx.value, expected.value);
  if (tx.data.toLowerCase() !== expected.data.toLowerCase()) diffs.push(`data differs (${(tx.data.length - 2) / 2} bytes instead of ${(expected.data.length - 2) / 2})`);
  differs('nonce', tx.nonce, expected.nonce);
  differs('chainId', tx.chainId, BigInt(expected.chainId));
  differs('gasLimit', tx.gasLimit, expected.gasLimit);
  differs('maxFeePerGas', tx.maxFeePerGas, expected.maxFeePerGas);
  differs('maxPriorityFeePerGas', tx.maxPriorityFeePerGas, expected.maxPriorityFeePerGas);
  if ((tx.accessList ?? []).length > 0) diffs.push('an access list was added');
  if (diffs.length > 0) {
    throw new SignerMismatchError(`${who} signed a transaction other than the one asked for (${diffs.join('; ')}); refused, nothing stored`);
  }
  return raw;
}
