import { Injectable } from '@nestjs/common';
import { keccak256, TransactionRequest } from 'ethers';
import { ChainService } from '../../../platform/chain/chain.service';
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
 * payout's `signer`). A first payout is signed by an active key (a lane); a replacement or a cancel by the
 * key that signed the payout, active or retired. A key that is not loaded refuses: re-signing a payout with
 * another key would be a second transfer from another account, a double payment.
 */
@Injectable()
export class PayoutSigner {
  constructor(private readonly chain: ChainService) {}

  /** The first active key's address (the one lane before signer pools); see `lanes()` for all of them. */
  get active(): string {
    return this.chain.treasury.address;
  }

  /** Every active key's address (TREASURY_PRIVATE_KEYS: one lane each), the first being `active`. */
  lanes(): string[] {
    return this.chain.activeAddresses();
  }

  canSign(signer: string): boolean {
    return this.chain.keyOf(signer) !== null;
  }

  async sign(signer: string, tx: Omit<TransactionRequest, 'from' | 'type' | 'chainId'> & { nonce: number }): Promise<SignedTx> {
    const key = this.chain.keyOf(signer);
    if (!key) throw new SignerKeyNotLoadedError(signer);
    const rawTx = await key.signTransaction({ ...tx, type: 2, chainId: this.chain.chainId });
    return { rawTx, txHash: keccak256(rawTx) };
  }
}
