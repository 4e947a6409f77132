import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { keccak256, Transaction } from 'ethers';

interface RpcRequest {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: unknown[];
}

/**
 * A fault-injecting JSON-RPC proxy between the app and the dev chain (tests only, loopback only). Faults
 * are switched on per test:
 * - `forwardThenTimeoutEvery(method, n)`: every n-th call is forwarded (the node acts on it) but the
 *   answer never comes back: the client times out not knowing the outcome.
 * - `failEvery(method, n, status)`: every n-th call answers an HTTP 5xx without reaching the node.
 * - `dropEvery(method, n)`: every n-th call's connection is closed without an answer.
 * - `failEveryRequest(n, status)`: one HTTP request in n on average, whatever its methods, answers an HTTP 5xx
 *   (a flaky hosted provider): the very next request (a boot's first call), then each with probability 1/n
 *   from a seeded generator. Not every n-th: a strict period starves any unit of work of exactly n calls
 *   (the same calls fail at every retry), which no real provider does.
 * `start(path)` serves any path; the URL it returns carries `path` (e.g. `/v2/<key>`, like a hosted RPC URL).
 * - `delayReceipts(ms)`: eth_getTransactionReceipt answers null for this long after the node has one.
 * - `withholdNext(count, blocks)`: the next `count` raw transactions are acknowledged (hash returned, and
 *   reported as pending by eth_getTransactionByHash) but reach the node only `blocks` blocks later: a
 *   transaction the node "has" and does not mine.
 */
export class RpcProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly calls = new Map<string, number>();
  private forwardTimeout: { method: string; n: number } | null = null;
  private fail: { method: string; n: number; status: number } | null = null;
  private failAll: { n: number; status: number; first: boolean; seed: number } | null = null;
  private drop: { method: string; n: number } | null = null;
  private receiptDelayMs = 0;
  private readonly firstSeenReceipt = new Map<string, number>();
  private withhold: { count: number; blocks: number } | null = null;
  private readonly withheld = new Map<string, { raw: string; releaseAt: number | null }>();
  private releaser: NodeJS.Timeout | null = null;
  readonly stats = { forwardedThenTimedOut: 0, failed: 0, dropped: 0, withheld: 0, released: 0 };

  constructor(private readonly upstream: string) {}

  async start(path = ''): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.releaser = setInterval(() => void this.release(), 200);
    return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}${path}`;
  }

  async stop(): Promise<void> {
    if (this.releaser) clearInterval(this.releaser);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  forwardThenTimeoutEvery(method: string, n: number): void {
    this.forwardTimeout = { method, n };
  }
  failEvery(method: string, n: number, status = 503): void {
    this.fail = { method, n, status };
  }
  /** The very next request fails, then every n-th one. */
  failEveryRequest(n: number, status = 500): void {
    this.failAll = { n, status, first: true, seed: 0x9e3779b9 };
  }
  dropEvery(method: string, n: number): void {
    this.drop = { method, n };
  }
  delayReceipts(ms: number): void {
    this.receiptDelayMs = ms;
  }
  withholdNext(count: number, blocks: number): void {
    this.withhold = { count, blocks };
  }
  /** The first request after failEveryRequest, then 1 in n at random (mulberry32, fixed seed: reproducible). */
  private failNow(f: { n: number; first: boolean; seed: number }): boolean {
    if (f.first) {
      f.first = false;
      return true;
    }
    f.seed = (f.seed + 0x6d2b79f5) | 0;
    let t = f.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return r < 1 / f.n;
  }

  clear(): void {
    this.forwardTimeout = this.fail = this.drop = this.withhold = this.failAll = null;
    this.receiptDelayMs = 0;
  }

  /** How many calls of `method` reached the proxy so far (answered, failed or dropped). */
  callsOf(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  private count(method: string): number {
    const n = (this.calls.get(method) ?? 0) + 1;
    this.calls.set(method, n);
    return n;
  }

  private async upstreamCall(body: unknown): Promise<unknown> {
    const res = await fetch(this.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  }

  private async head(): Promise<number> {
    const r = (await this.upstreamCall({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })) as { result: string };
    return Number(r.result);
  }

  private async release(): Promise<void> {
    if (this.withheld.size === 0) return;
    const head = await this.head().catch(() => null);
    if (head === null) return;
    for (const [hash, w] of this.withheld) {
      if (w.releaseAt === null) w.releaseAt = head + (this.withhold?.blocks ?? 5);
      if (head >= w.releaseAt) {
        this.withheld.delete(hash);
        this.stats.released++;
        await this.upstreamCall({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [w.raw] }).catch(() => undefined);
      }
    }
  }

  private pendingView(raw: string): Record<string, unknown> {
    const tx = Transaction.from(raw);
    const q = (v: bigint | number) => '0x' + BigInt(v).toString(16);
    return {
      hash: tx.hash,
      blockHash: null,
      blockNumber: null,
      transactionIndex: null,
      from: tx.from,
      to: tx.to,
      nonce: q(tx.nonce),
      gas: q(tx.gasLimit),
      value: q(tx.value),
      input: tx.data,
      type: q(tx.type ?? 2),
      chainId: q(tx.chainId),
      maxFeePerGas: q(tx.maxFeePerGas ?? 0n),
      maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas ?? 0n),
      gasPrice: q(tx.maxFeePerGas ?? 0n),
      accessList: [],
      v: q(tx.signature!.yParity),
      yParity: q(tx.signature!.yParity),
      r: tx.signature!.r,
      s: tx.signature!.s,
    };
  }

  /** Answers one request locally when a fault says so; undefined means: forward it. */
  private local(req: RpcRequest): unknown {
    if (req.method === 'eth_sendRawTransaction' && this.withhold && this.withhold.count > 0) {
      const raw = String(req.params?.[0]);
      const hash = keccak256(raw);
      this.withhold.count--;
      this.withheld.set(hash, { raw, releaseAt: null });
      this.stats.withheld++;
      return { jsonrpc: '2.0', id: req.id, result: hash };
    }
    if (req.method === 'eth_getTransactionByHash') {
      const w = this.withheld.get(String(req.params?.[0]));
      if (w) return { jsonrpc: '2.0', id: req.id, result: this.pendingView(w.raw) };
    }
    if (req.method === 'eth_getTransactionReceipt' && this.withheld.has(String(req.params?.[0]))) {
      return { jsonrpc: '2.0', id: req.id, result: null };
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: RpcRequest | RpcRequest[];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const list = Array.isArray(body) ? body : [body];
    if (this.failAll && this.failNow(this.failAll)) {
      this.stats.failed++;
      res.writeHead(this.failAll.status, { 'content-type': 'text/plain' }).end('upstream unavailable');
      return;
    }
    let forwardThenHang = false;
    for (const r of list) {
      const n = this.count(r.method);
      if (this.drop && r.method === this.drop.method && n % this.drop.n === 0) {
        this.stats.dropped++;
        req.socket.destroy();
        return;
      }
      if (this.fail && r.method === this.fail.method && n % this.fail.n === 0) {
        this.stats.failed++;
        res.writeHead(this.fail.status, { 'content-type': 'text/plain' }).end('upstream unavailable');
        return;
      }
      if (this.forwardTimeout && r.method === this.forwardTimeout.method && n % this.forwardTimeout.n === 0) forwardThenHang = true;
    }
    const answers: unknown[] = [];
    const toForward: RpcRequest[] = [];
    for (const r of list) {
      const local = this.local(r);
      if (local !== undefined) answers.push(local);
      else toForward.push(r);
    }
    if (toForward.length) {
      let upstream: unknown;
      try {
        upstream = await this.upstreamCall(toForward.length === 1 && !Array.isArray(body) ? toForward[0] : toForward);
      } catch {
        res.writeHead(502).end();
        return;
      }
      answers.push(...(Array.isArray(upstream) ? upstream : [upstream]));
    }
    if (forwardThenHang) {
      this.stats.forwardedThenTimedOut++;
      return; // the node acted; the client never hears back (socket destroyed on stop)
    }
    if (this.receiptDelayMs > 0) {
      for (const a of answers as { id: unknown; result?: unknown }[]) {
        const r = list.find((x) => x.id === a.id);
        if (r?.method === 'eth_getTransactionReceipt' && a.result) {
          const key = String(r.params?.[0]);
          const first = this.firstSeenReceipt.get(key) ?? Date.now();
          this.firstSeenReceipt.set(key, first);
          if (Date.now() - first < this.receiptDelayMs) a.result = null;
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
  }
}
