import { DomainError } from '../../errors/domain-error';

/**
 * What the payouts module asks a signer to sign: always an EIP-1559 (type 2) transaction with every field
 * fixed by the caller (nonce from Postgres, fees from the chain head, gas from the payout), so a signature
 * is never a "fill in the rest" request and what comes back can be compared field by field.
 */
export interface UnsignedTx {
  to: string;
  value: bigint;
  data: string;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  nonce: number;
  chainId: number;
}

/**
 * The signer port (ADR 0007): one account that can sign. Adapters: a key held in this process (KeySigner:
 * TREASURY_PRIVATE_KEY(S), TREASURY_KEYSTORE, RETIRED_TREASURY_KEYS) and a JSON-RPC signer holding the key
 * elsewhere (RemoteSigner: REMOTE_SIGNER_URL). Only PayoutSigner (the payouts module) calls `signTransaction`.
 */
export interface TxSigner {
  /** checksummed address of the account */
  readonly address: string;
  /** 'key': the key is in this process; 'remote': it is not (a signature is a network round trip) */
  readonly kind: 'key' | 'remote';
  /** The signed raw transaction (0x hex), exactly `tx` signed by `address`; throws rather than return anything else. */
  signTransaction(tx: UnsignedTx): Promise<string>;
}

/**
 * The remote signer failed: unreachable, timed out (REMOTE_SIGNER_TIMEOUT_MS), refused, or answered
 * something that is not the transaction asked for (SignerMismatchError). Thrown inside the signing
 * transaction, so the nonce is returned and nothing is stored. Messages name the signer's host, never its URL.
 */
export class RemoteSignerError extends DomainError {
  constructor(detail: string, code = 'SIGNER.REMOTE_FAILED') {
    super(code, detail);
    this.name = 'RemoteSignerError';
  }
}

/** The remote signer returned a transaction other than the one asked for (another `to`, nonce, amount, signer...). */
export class SignerMismatchError extends RemoteSignerError {
  constructor(detail: string) {
    super(detail, 'SIGNER.MISMATCH');
    this.name = 'SignerMismatchError';
  }
}
