import { redactRpcUrl } from '../../../platform/chain/rpc-url';

/** The one classification of node errors on broadcast (ARCHITECTURE §1.7). */
export type BroadcastOutcome = 'accepted' | 'already-known' | 'nonce-too-low' | 'underpriced' | 'insufficient-funds' | 'retry';

/** The node's own message of an RPC error, with the RPC URL's key parts removed (it is logged and stored as lastError). */
export function rpcErrorMessage(err: unknown): string {
  const e = err as { shortMessage?: string; message?: string; info?: { error?: { message?: string } }; error?: { message?: string } };
  return redactRpcUrl(e?.info?.error?.message ?? e?.error?.message ?? e?.shortMessage ?? e?.message ?? String(err)).slice(0, 500);
}

export function classifyBroadcastError(err: unknown): BroadcastOutcome {
  const m = rpcErrorMessage(err).toLowerCase();
  if (m.includes('already known') || /(^|[^n])known transaction/.test(m) || m.includes('already imported')) return 'already-known';
  if (m.includes('nonce too low') || m.includes('nonce has already been used')) return 'nonce-too-low';
  if (m.includes('replacement transaction underpriced') || m.includes('replacement fee too low')) return 'underpriced';
  if (m.includes('insufficient funds') || m.includes("doesn't have enough funds")) return 'insufficient-funds';
  return 'retry';
}
