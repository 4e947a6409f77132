'use strict';
/**
 * A JSON-RPC relay between the app and the dev chain (loopback only) that makes the node look `delayMs`
 * away, as a hosted RPC provider is, and counts the calls by method. Each HTTP request waits `delayMs`
 * before it is forwarded (one round trip; a JSON-RPC batch is one request and counts each of its calls).
 * Plain JS for the bench; test/chaos/rpc-proxy.ts is the fault-injecting proxy of the tests.
 */
const http = require('node:http');

async function startRpcRelay({ upstream, delayMs = 0 }) {
  const byMethod = new Map();
  let requests = 0;
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      requests++;
      try {
        const parsed = JSON.parse(body.toString('utf8'));
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
          const m = call && typeof call.method === 'string' ? call.method : '(invalid)';
          byMethod.set(m, (byMethod.get(m) ?? 0) + 1);
        }
      } catch {
        byMethod.set('(unparsable)', (byMethod.get('(unparsable)') ?? 0) + 1);
      }
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      try {
        const up = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await up.text();
        res.writeHead(up.status, { 'content-type': 'application/json' });
        res.end(text);
      } catch (err) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `relay: ${err.message}` } }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** A copy of the counts so far: {requests, calls, byMethod: {method: n}}. */
    counts: () => {
      const m = Object.fromEntries(byMethod);
      return { requests, calls: Object.values(m).reduce((a, b) => a + b, 0), byMethod: m };
    },
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The calls made between two `counts()` snapshots. */
function countsBetween(before, after) {
  const byMethod = {};
  for (const [m, n] of Object.entries(after.byMethod)) if (n - (before.byMethod[m] ?? 0) > 0) byMethod[m] = n - (before.byMethod[m] ?? 0);
  return { requests: after.requests - before.requests, calls: after.calls - before.calls, byMethod };
}

module.exports = { startRpcRelay, countsBetween };
