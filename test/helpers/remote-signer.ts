import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getAddress, keccak256, Wallet } from 'ethers';

/** How the double misbehaves, switched per test; null = it signs exactly what it is asked. */
export type SignerFault =
  /** signs the request with another `to` (a random address): the classic "pay someone else" */
  | 'wrong-to'
  /** signs the request with nonce + 1 */
  | 'wrong-nonce'
  /** answers only after `stallMs` (past REMOTE_SIGNER_TIMEOUT_MS) */
  | 'stall'
  /** a JSON-RPC error: the signer refuses */
  | 'refuse';

export interface SignRequest {
  from: string;
  to: string;
  nonce: number;
  maxFeePerGas: bigint;
}

/**
 * A test double of a remote signer (Web3Signer, Clef): an HTTP JSON-RPC server on 127.0.0.1 (ephemeral port)
 * that holds a dev key and serves `eth_signTransaction` as REMOTE_SIGNER_URL expects: params
 * [{from, to, gas, maxFeePerGas, maxPriorityFeePerGas, value, data, nonce, chainId, type: '0x2'}] in hex
 * quantities; it answers the signed raw transaction. `shape: 'clef'` serves Clef's name for it instead,
 * `account_signTransaction` (eth_signTransaction is then "method not found"), and answers `{raw, tx}`. With
 * `user`/`password` it requires HTTP Basic auth (the credentials the app reads from the URL's user info).
 * `fault` makes it lie (another `to`, another nonce), stall or refuse, for the negative tests.
 *
 * It records every request (`requests`, one per eth_signTransaction call, whatever the outcome) and the hash
 * of every transaction it returned honestly (`signedHashes`), so a test can prove that each stored payout and
 * replacement went through it.
 */
export class RemoteSignerDouble {
  readonly address: string;
  readonly requests: SignRequest[] = [];
  readonly signedHashes = new Set<string>();
  fault: SignerFault | null = null;
  stallMs = 0;
  /** answers that failed Basic auth */
  unauthorized = 0;
  /** every HTTP request, whatever its method or outcome */
  httpCalls = 0;
  private readonly wallet: Wallet;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    privateKey: string,
    private readonly opts: { user?: string; password?: string; path?: string; shape?: 'web3signer' | 'clef' } = {},
  ) {
    this.wallet = new Wallet(privateKey);
    this.address = this.wallet.address;
  }

  /** The REMOTE_SIGNER_URL to give the app: with the credentials in the user info and the path, when set. */
  get url(): string {
    const auth = this.opts.user ? `${encodeURIComponent(this.opts.user)}:${encodeURIComponent(this.opts.password ?? '')}@` : '';
    return `http://${auth}127.0.0.1:${this.port}${this.opts.path ?? '/'}`;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.httpCalls++;
    let body = '';
    for await (const chunk of req) body += chunk;
    const reply = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (this.opts.user) {
      const want = `Basic ${Buffer.from(`${this.opts.user}:${this.opts.password ?? ''}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        this.unauthorized++;
        return reply(401, { error: 'unauthorized' });
      }
    }
    if (this.opts.path && req.url !== this.opts.path) return reply(404, { error: 'not found' });
    let rpc: { id: unknown; method: string; params?: Record<string, string>[] };
    try {
      rpc = JSON.parse(body);
    } catch {
      return reply(400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
    const error = (code: number, message: string) => reply(200, { jsonrpc: '2.0', id: rpc.id, error: { code, message } });
    // Clef's external API names it account_signTransaction (and answers {raw, tx}); Web3Signer's is eth_signTransaction
    const method = this.opts.shape === 'clef' ? 'account_signTransaction' : 'eth_signTransaction';
    if (rpc.method !== method) return error(-32601, `the method ${rpc.method} does not exist/is not available`);
    const p = rpc.params?.[0];
    if (!p) return error(-32602, 'missing transaction');
    this.requests.push({ from: p.from!, to: p.to!, nonce: Number(BigInt(p.nonce!)), maxFeePerGas: BigInt(p.maxFeePerGas!) });
    if (getAddress(p.from!) !== this.address) return error(-32000, `unknown account ${p.from}`);
    const fault = this.fault;
    if (fault === 'refuse') return error(-32000, 'signing refused by policy');
    if (fault === 'stall') await new Promise((r) => setTimeout(r, this.stallMs));
    const tx = {
      type: 2,
      chainId: BigInt(p.chainId!),
      nonce: Number(BigInt(p.nonce!)) + (fault === 'wrong-nonce' ? 1 : 0),
      to: fault === 'wrong-to' ? Wallet.createRandom().address : p.to!,
      value: BigInt(p.value!),
      data: p.data ?? '0x',
      gasLimit: BigInt(p.gas!),
      maxFeePerGas: BigInt(p.maxFeePerGas!),
      maxPriorityFeePerGas: BigInt(p.maxPriorityFeePerGas!),
    };
    const raw = await this.wallet.signTransaction(tx);
    if (!fault) this.signedHashes.add(keccak256(raw));
    reply(200, { jsonrpc: '2.0', id: rpc.id, result: this.opts.shape === 'clef' ? { raw, tx: { ...p, hash: keccak256(raw) } } : raw });
  }
}

/** A started double (see RemoteSignerDouble). */
export async function startRemoteSigner(privateKey: string, opts: ConstructorParameters<typeof RemoteSignerDouble>[1] = {}): Promise<RemoteSignerDouble> {
  const double = new RemoteSignerDouble(privateKey, opts);
  await double.start();
  return double;
}
