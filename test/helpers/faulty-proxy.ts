import { createServer, request as httpRequest, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request:
 * - `pass`: forward it and relay the answer;
 * - `drop-after-forward`: forward it, let the app answer completely (so its effect is committed), then cut
 *   the client's connection without a byte of the answer (the client sees a network error);
 * - `429-after-forward`: forward it, then answer 429 with `Retry-After` instead of the app's answer;
 * - `429`: answer 429 with `Retry-After` without forwarding (a limiter in front of the app).
 */
export type ProxyFault = 'pass' | 'drop-after-forward' | '429-after-forward' | '429';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  fault: ProxyFault;
  /** the app's status (when forwarded) */
  upstreamStatus?: number;
  at: number;
}

export interface FaultyProxy {
  url: string;
  requests: ProxiedRequest[];
  /** faults for the next requests matching `match` (in order); others pass */
  inject(match: (method: string, path: string) => boolean, faults: ProxyFault[]): void;
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of the app that injects faults into chosen requests (client e2e tests). */
export async function startFaultyProxy(target: string, retryAfterSec = 1): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  let rule: { match: (method: string, path: string) => boolean; faults: ProxyFault[] } | null = null;

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });

  const tooMany = JSON.stringify({ type: 'https://payrail.dev/problems/rate-limit-exceeded', title: 'Too Many Requests', status: 429, detail: 'injected by the test proxy', code: 'RATE_LIMIT.EXCEEDED' });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks);
        const fault: ProxyFault = rule && rule.match(method, path) ? (rule.faults.shift() ?? 'pass') : 'pass';
        const seen: ProxiedRequest = { method, path, headers: req.headers, body: body.toString('utf8'), fault, at: Date.now() };
        requests.push(seen);
        if (fault === '429') {
          res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': String(retryAfterSec) }).end(tooMany);
          return;
        }
        const answer = await forward(method, path, req.headers, body);
        seen.upstreamStatus = answer.status;
        if (fault === 'drop-after-forward') {
          req.socket.destroy(); // the app has answered (and committed); the client never hears it
          return;
        }
        if (fault === '429-after-forward') {
          res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': String(retryAfterSec) }).end(tooMany);
          return;
        }
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        delete headers.connection;
        res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) }).end(answer.body);
      })().catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(match, faults) {
      rule = { match, faults: [...faults] };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
