import { inspect } from 'node:util';
import { computeAddress } from 'ethers';
import { registerRpcUrl, rpcHost } from '../platform/chain/rpc-url';

/**
 * A treasury private key as the config holds it (issue 14, "a key is never in a heap-visible config dump"):
 * the key is in a `#private` field, so `JSON.stringify(config)`, `util.inspect(config, {depth: Infinity})`,
 * a logger serialising the config and Jest's diffs all see `{address}` only. `reveal()` is for the signer
 * adapter (ChainService builds its ethers Wallet from it) and boot's dev-key check; nothing else needs it.
 *
 * Not a defence against an attacker who can read the process's memory (a heap snapshot still holds the bytes
 * somewhere): a remote signer (REMOTE_SIGNER_URL) is the answer to that, the key never enters the process.
 */
export class TreasuryKey {
  readonly #hex: string;
  readonly address: string;

  /** `hex`: a validated 0x-prefixed lower-case key (config.ts privateKey()). */
  constructor(hex: string) {
    this.#hex = hex;
    this.address = computeAddress(hex);
  }

  reveal(): string {
    return this.#hex;
  }

  /** Two holders of the same key (the config refuses a key listed twice, or active and retired). */
  same(other: TreasuryKey): boolean {
    return other.#hex === this.#hex;
  }

  toJSON(): { address: string } {
    return { address: this.address };
  }

  toString(): string {
    return `TreasuryKey(${this.address})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * REMOTE_SIGNER_URL + REMOTE_SIGNER_ADDRESS: the signer that holds the key outside this process (Web3Signer,
 * Clef, or anything serving JSON-RPC `eth_signTransaction`). Its URL may carry credentials (user info, a
 * token in the path or query), so it is kept like a key: `#private`, shown as `scheme://host` only, and
 * registered with rpc-url.ts so every log line and RPC error has it redacted.
 */
export class RemoteSignerTarget {
  readonly #url: string;
  /** the lanes: each address the remote signer signs for (checksummed), the first being the treasury */
  readonly addresses: readonly string[];
  /** REMOTE_SIGNER_TIMEOUT_MS: one signature's round trip; past it the signing transaction rolls back */
  readonly timeoutMs: number;

  constructor(url: string, addresses: string[], timeoutMs: number) {
    this.#url = url;
    this.addresses = addresses;
    this.timeoutMs = timeoutMs;
    registerRpcUrl(url);
  }

  /** The URL with its credentials, for the one fetch that needs it (RemoteSigner). */
  reveal(): string {
    return this.#url;
  }

  /** `scheme://host[:port]`: what may be logged or put in an error. */
  get host(): string {
    return rpcHost(this.#url);
  }

  toJSON(): { url: string; addresses: readonly string[]; timeoutMs: number } {
    return { url: this.host, addresses: this.addresses, timeoutMs: this.timeoutMs };
  }

  toString(): string {
    return `RemoteSigner(${this.host}, ${this.addresses.join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
