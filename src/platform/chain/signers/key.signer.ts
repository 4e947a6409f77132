import { Wallet } from 'ethers';
import type { TreasuryKey } from '../../../config/treasury-key';
import { TxSigner, UnsignedTx } from './tx-signer';

/**
 * The key adapters of the signer port: a key held in this process, from TREASURY_PRIVATE_KEY(S), from an
 * encrypted keystore (TREASURY_KEYSTORE, decrypted once at boot by config.ts) or from RETIRED_TREASURY_KEYS.
 * The ethers Wallet sits in a `#private` field: inspecting or serialising the signer shows its address only.
 * No provider: every field is given, so signing never touches the network.
 */
export class KeySigner implements TxSigner {
  readonly kind = 'key' as const;
  readonly address: string;
  readonly #wallet: Wallet;

  constructor(key: TreasuryKey) {
    this.#wallet = new Wallet(key.reveal());
    this.address = this.#wallet.address;
  }

  signTransaction(tx: UnsignedTx): Promise<string> {
    return this.#wallet.signTransaction({ ...tx, type: 2 });
  }

  toJSON(): { address: string; kind: 'key' } {
    return { address: this.address, kind: this.kind };
  }
}
