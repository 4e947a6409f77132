import type { AppConfig } from '../../../config/config';
import { KeySigner } from './key.signer';
import { RemoteSigner } from './remote.signer';
import { TxSigner } from './tx-signer';

export { KeySigner } from './key.signer';
export { RemoteSigner } from './remote.signer';
export { RemoteSignerError, SignerMismatchError, TxSigner, UnsignedTx } from './tx-signer';

/**
 * The adapters for a finalised config: the active lanes (the remote signer's addresses, else one KeySigner per
 * active key, in order) and the retired keys (always local: a rotation from a raw key to a remote signer keeps
 * the old key loaded for its in-flight payouts). A retired key that is also active is dropped (roles disjoint).
 */
export function createSigners(config: Pick<AppConfig, 'treasuryPrivateKeys' | 'retiredTreasuryKeys' | 'remoteSigner'>): { active: TxSigner[]; retired: TxSigner[] } {
  const remote = config.remoteSigner;
  const active: TxSigner[] = remote ? remote.addresses.map((a) => new RemoteSigner(remote, a)) : config.treasuryPrivateKeys.map((k) => new KeySigner(k));
  const taken = new Set(active.map((s) => s.address));
  const retired = config.retiredTreasuryKeys.map((k) => new KeySigner(k)).filter((s) => !taken.has(s.address));
  return { active, retired };
}
