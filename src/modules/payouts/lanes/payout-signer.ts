import { Injectable } from '@nestjs/common';
import { keccak256 } from 'ethers';
import { ChainService } from '../../../platform/chain/chain.service';
import { UnsignedTx } from '../../../platform/chain/signers';
import { DomainError } from '../../../platform/errors/domain-error';

/** The payout's signer key is not loaded here (neither active nor in RETIRED_TREASURY_KEYS): never re-signed. */
export class SignerKeyNotLoadedError extends DomainError {
  constructor(readonly signer: string) {
    super('SIGNER.KEY_NOT_LOADED', `The key of signer ${signer} is not loaded (add it to RETIRED_TREASURY_KEYS to replace or cancel its payouts); its stored transactions are re-sent as they are.`);
  }
}

export interface SignedTx {
  rawTx: string;
  txHash: string;
}

/**
 * The only code that signs a transaction (API.md "Signer lanes": every re-signature uses the key of the
 * payout's `signer`), through the signer port (ADR 0007): a key in this process or a remote signer, which
 * one is the ChainService's concern. A first payout is signed by an active lane; a replacement or a cancel
 * by the signer of the payout, active or retired. A signer that is not loaded refuses: re-signing a payout
 * with another key would be a second transfer from another account, a double payment.
 *
 * With a remote signer, `sign` is a network round trip (bounded by REMOTE_SIGNER_TIMEOUT_MS) made inside the
 * caller's signing transaction, under the lane's lock; its failure rolls that transaction back.
 */
@Injectable()
export class PayoutSigner {
  constructor(private readonly chain: ChainService) {}

  /** The first active lane's address (the one lane before signer pools); see `lanes()` for all of them. */
  get active(): string {
    return this.chain.treasury.address;
  }

  /** Every active lane's address (TREASURY_PRIVATE_KEYS or REMOTE_SIGNER_ADDRESS: one lane each), the first being `active`. */
  lanes(): string[] {
    return this.chain.activeAddresses();
  }

  canSign(signer: string): boolean {
    return this.chain.signerOf(signer) !== null;
  }

  async sign(signer: string, tx: Omit<UnsignedTx, 'chainId'>): Promise<SignedTx> {
    const port = this.chain.signerOf(signer);
    if (!port) throw new SignerKeyNotLoadedError(signer);
    const rawTx = await port.signTransaction({ ...tx, chainId: this.chain.chainId });
    return { rawTx, txHash: keccak256(rawTx) };
  }
}
