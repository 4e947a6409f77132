import { Query } from '@nestjs/cqrs';

export type SignerListRole = 'active' | 'retired' | 'orphaned';

export interface SignerView {
  address: string;
  chainId: number;
  /** active: takes new payouts; retired: loaded only for its in-flight payouts; orphaned: payouts in flight, key not loaded */
  role: SignerListRole;
  nextNonce: number;
  inFlight: number;
  /** on-chain balances in base units, per configured token (omitted when the RPC did not answer) */
  balances?: Record<string, string>;
}

/** The signers of this process's chain (API.md "Signer lanes"): loaded keys, and any key with payouts in flight. */
export class ListSignersQuery extends Query<SignerView[]> {
  /**
   * @param balanceTimeoutMs bounds the balance reads (a signer whose balances are not read in time is listed
   * without them): readiness probes must not hang on a slow RPC; unset = the provider's own timeout
   */
  constructor(
    readonly withBalances = true,
    readonly balanceTimeoutMs?: number,
  ) {
    super();
  }
}
