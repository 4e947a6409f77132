import { createHmac } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { http, HttpResult } from './app';

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port>/hook */
  url: string;
  requests: ReceivedRequest[];
  /** Status codes for the next requests, in order; afterwards `fallback` (200). */
  respond(statuses: number[], fallback?: number): void;
  waitForRequests(n: number, timeoutMs: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * A loopback-only HTTP receiver for outbound webhooks: listens on 127.0.0.1 (never a public interface) on a
 * free port, records every request (headers and the exact body) and answers with scripted status codes.
 */
export async function startWebhookReceiver(statuses: number[] = [], fallback = 200): Promise<WebhookReceiver> {
  let script = [...statuses];
  let otherwise = fallback;
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      requests.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = script.length ? script.shift()! : otherwise;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respond(next: number[], fb = 200) {
      script = [...next];
      otherwise = fb;
    },
    async waitForRequests(n: number, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${requests.length} of ${n} requests within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return requests.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Standard Webhooks secret for tests: `whsec_` + base64 of `seed` padded to 32 bytes. */
export function testSecret(seed: string): string {
  return 'whsec_' + Buffer.from(seed.padEnd(32, '.')).toString('base64');
}

/**
 * Headers for an inbound webhook signed by the reference implementation (standardwebhooks), so the app's
 * verifier is checked against an independent signer.
 */
export function standardHeaders(secret: string, body: string, opts: { id?: string; timestampSec?: number } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const ts = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': new Webhook(secret).sign(id, new Date(ts * 1000), body),
  };
}

/** Legacy `X-Signature: sha256=<hex>` keyed with the secret string's UTF-8 bytes. */
export function legacyHeaders(secret: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex')}` };
}

/** Verifies an outbound delivery the way a client would (throws when the signature is wrong or stale). */
export function verifyDelivery(secret: string, r: ReceivedRequest): unknown {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id'] ?? '',
    'webhook-timestamp': r.headers['webhook-timestamp'] ?? '',
    'webhook-signature': r.headers['webhook-signature'] ?? '',
  });
}

/** POSTs `event` to /v1/webhooks/:provider, signed (Standard Webhooks) with `secret`. */
export function sendSignedWebhook(app: { url: string }, provider: string, secret: string, event: unknown): Promise<HttpResult> {
  const body = JSON.stringify(event);
  return http(app, 'POST', `/v1/webhooks/${provider}`, undefined, { auth: null, raw: body, headers: standardHeaders(secret, body) });
}

/** `webhook_verification_failures_total{provider, reason}` as scraped from /metrics (0 when absent). */
export async function verificationFailures(app: { url: string }, provider: string, reason: string): Promise<number> {
  const text = (await http<string>(app, 'GET', '/metrics', undefined, { auth: null })).body;
  for (const line of String(text).split('\n')) {
    if (!line.startsWith('webhook_verification_failures_total{')) continue;
    if (line.includes(`provider="${provider}"`) && line.includes(`reason="${reason}"`)) return Number(line.trim().split(/\s+/).pop());
  }
  return 0;
}
