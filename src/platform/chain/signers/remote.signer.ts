import type { RemoteSignerTarget } from '../../../config/treasury-key';
import { redactRpcUrl } from '../rpc-url';
import { RemoteSignerError, TxSigner, UnsignedTx } from './tx-signer';
import { verifySignedTx } from './verify-signed-tx';

const hex = (n: bigint | number) => `0x${n.toString(16)}`;

/** JSON-RPC "method not found": the signer does not serve eth_signTransaction (Clef calls it account_signTransaction). */
const METHOD_NOT_FOUND = -32601;

/**
 * The remote adapter of the signer port (REMOTE_SIGNER_URL, ADR 0007): the key is not in this process; each
 * signature is one JSON-RPC `eth_signTransaction` (as Web3Signer serves it; Clef's `account_signTransaction`
 * is tried once when the method is unknown) with every field given as a hex quantity, bounded by
 * REMOTE_SIGNER_TIMEOUT_MS. The answer, a raw transaction or `{raw, tx}`, is verified against the request
 * (verifySignedTx) before it is returned: a lying signer is refused and nothing is stored.
 *
 * It is called under the lane's lock, inside the signing transaction (pay-claim: the nonce is allocated, the
 * payout stored and the claim moved in the same commit as the signature). A failure or a timeout throws
 * there, so the transaction rolls back: the nonce is returned, nothing is stored, the claim is tried again.
 *
 * The URL may carry credentials (`https://user:token@host/...`): fetch refuses user info in a URL, so it is
 * sent as a Basic Authorization header; no message shows more than `scheme://host`.
 */
export class RemoteSigner implements TxSigner {
  readonly kind = 'remote' as const;
  readonly #target: RemoteSignerTarget;
  #method: 'eth_signTransaction' | 'account_signTransaction' = 'eth_signTransaction';
  #id = 0;

  constructor(target: RemoteSignerTarget, readonly address: string) {
    this.#target = target;
  }

  private get who(): string {
    return `remote signer at ${this.#target.host}`;
  }

  async signTransaction(tx: UnsignedTx): Promise<string> {
    const params = [
      {
        from: this.address,
        to: tx.to,
        gas: hex(tx.gasLimit),
        maxFeePerGas: hex(tx.maxFeePerGas),
        maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas),
        value: hex(tx.value),
        data: tx.data,
        nonce: hex(tx.nonce),
        chainId: hex(tx.chainId),
        type: '0x2',
      },
    ];
    let answer = await this.call(this.#method, params);
    if ('error' in answer && answer.error.code === METHOD_NOT_FOUND && this.#method === 'eth_signTransaction') {
      this.#method = 'account_signTransaction';
      answer = await this.call(this.#method, params);
    }
    if ('error' in answer) {
      throw new RemoteSignerError(`${this.who} refused to sign for ${this.address} (${answer.error.code}: ${clean(answer.error.message)}); nothing stored`);
    }
    const result = answer.result as string | { raw?: unknown } | null;
    const raw = typeof result === 'string' ? result : result && typeof result === 'object' ? result.raw : undefined;
    return verifySignedTx(raw, tx, this.address, this.who);
  }

  private async call(method: string, params: unknown[]): Promise<{ result: unknown } | { error: { code: number; message: string } }> {
    const { url, authorization } = splitCredentials(this.#target.reveal());
    const timeoutMs = this.#target.timeoutMs;
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++this.#id, method, params }),
        redirect: 'error', // a redirect would re-send the request (and its credentials) elsewhere
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await res.json().catch(() => undefined);
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string; message?: string } };
      if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
        throw new RemoteSignerError(`${this.who} did not answer within REMOTE_SIGNER_TIMEOUT_MS=${timeoutMs} ms; nothing stored (the nonce is returned)`, 'SIGNER.REMOTE_TIMEOUT');
      }
      throw new RemoteSignerError(`${this.who} is unreachable (${e?.cause?.code ?? clean(e?.cause?.message ?? e?.name ?? 'fetch failed')}); nothing stored`);
    }
    if (!res.ok) throw new RemoteSignerError(`${this.who} answered HTTP ${res.status}; nothing stored`);
    const rpc = body as { result?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    if (rpc && typeof rpc === 'object' && rpc.error && typeof rpc.error === 'object') {
      return { error: { code: Number(rpc.error.code) || 0, message: String(rpc.error.message ?? '') } };
    }
    if (!rpc || typeof rpc !== 'object' || !('result' in rpc)) throw new RemoteSignerError(`${this.who} answered something that is not JSON-RPC; nothing stored`);
    return { result: rpc.result };
  }
}

/** A signer's own error text, one line, bounded, with the signer URL's secret parts removed. */
function clean(message: string): string {
  return redactRpcUrl(message.replace(/\s+/g, ' ')).slice(0, 200);
}

/** `https://user:pass@host/p` → `https://host/p` and `Basic base64(user:pass)` (fetch refuses credentials in a URL). */
export function splitCredentials(raw: string): { url: string; authorization: string | null } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw, authorization: null };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}
