import { lookup, LookupAddress } from 'node:dns';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { postWebhook, publicOnlyLookup } from './post-webhook';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver answering `status` (plus `extra` headers), or never answering when status is null. */
async function receiver(status: number | null, extra: Record<string, string> = {}) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (status !== null) res.writeHead(status, { 'content-type': 'text/plain', ...extra }).end('a body nobody reads');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    got,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Rx = Awaited<ReturnType<typeof receiver>>;

const HEADERS = { 'content-type': 'application/json', 'user-agent': 'Payrail-Webhooks/0.1', 'webhook-id': 'msg_1', 'webhook-signature': 'v1,abc' };
const BODY = JSON.stringify({ type: 'claim.completed', data: { note: 'héllo' } });
const allowed = { timeoutMs: 2000, allowPrivateTargets: true };
const guarded = { timeoutMs: 2000, allowPrivateTargets: false };

/** What the mocked dns.lookup answers for every name: addresses, an error, or null for the real lookup. */
let mockAnswer: LookupAddress[] | NodeJS.ErrnoException | null = null;
jest.mock('node:dns', () => {
  const actual = jest.requireActual('node:dns');
  return {
    ...actual,
    lookup: jest.fn((host: string, opts: object, cb: (...args: unknown[]) => void) => {
      if (mockAnswer === null) return actual.lookup(host, opts, cb);
      if (mockAnswer instanceof Error) return cb(mockAnswer);
      return cb(null, mockAnswer);
    }),
  };
});
const lookupMock = lookup as unknown as jest.Mock;

function resolvesTo(...addresses: string[]) {
  mockAnswer = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

afterEach(() => {
  mockAnswer = null;
  lookupMock.mockClear();
});

describe('postWebhook', () => {
  let rx: Rx;
  afterEach(async () => {
    await rx?.close();
  });

  describe('private targets allowed (as before the guard)', () => {
    it('POSTs the exact body with the given headers and a content-length, and returns the status', async () => {
      rx = await receiver(201);
      const r = await postWebhook(`http://127.0.0.1:${rx.port}/hook?x=1`, HEADERS, BODY, allowed);
      expect(r).toEqual({ kind: 'response', statusCode: 201 });
      expect(rx.got).toHaveLength(1);
      expect(rx.got[0]).toMatchObject({ method: 'POST', path: '/hook?x=1', body: BODY });
      expect(rx.got[0]!.headers).toMatchObject({ ...HEADERS, 'content-length': String(Buffer.byteLength(BODY)) });
    });

    it('does not follow a redirect: a 3xx is just a status', async () => {
      rx = await receiver(302, { location: '/elsewhere' });
      expect(await postWebhook(`http://127.0.0.1:${rx.port}/hook`, HEADERS, BODY, allowed)).toEqual({ kind: 'response', statusCode: 302 });
      await new Promise((r) => setTimeout(r, 100));
      expect(rx.got.map((g) => g.path)).toEqual(['/hook']);
    });

    it('times out with "timed out after N ms"', async () => {
      rx = await receiver(null);
      const t0 = Date.now();
      expect(await postWebhook(`http://127.0.0.1:${rx.port}/hook`, HEADERS, BODY, { ...allowed, timeoutMs: 200 })).toEqual({
        kind: 'error',
        error: 'timed out after 200 ms',
      });
      expect(Date.now() - t0).toBeLessThan(1500);
    });

    it('describes a connection error by its code, without the URL', async () => {
      rx = await receiver(200);
      const port = rx.port;
      await rx.close();
      const r = await postWebhook(`http://127.0.0.1:${port}/hook/s3cr3t-token?key=s3cr3t`, HEADERS, BODY, allowed);
      expect(r).toEqual({ kind: 'error', error: 'request failed: ECONNREFUSED' });
    });

    it('connects to a name resolving to loopback', async () => {
      rx = await receiver(200);
      resolvesTo('127.0.0.1');
      expect(await postWebhook(`http://hooks.example.test:${rx.port}/hook`, HEADERS, BODY, allowed)).toEqual({ kind: 'response', statusCode: 200 });
      expect(rx.got).toHaveLength(1);
    });
  });

  describe('private targets not allowed', () => {
    it.each(['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', 'localhost', '0.0.0.0'])('refuses %s without connecting', async (host) => {
      rx = await receiver(200);
      const r = await postWebhook(`http://${host}:${rx.port}/hook`, HEADERS, BODY, guarded);
      expect(r).toEqual({ kind: 'refused', host: new URL(`http://${host}/`).hostname });
      expect(lookupMock).not.toHaveBeenCalled();
      await new Promise((res) => setTimeout(res, 100));
      expect(rx.got).toHaveLength(0);
    });

    it('refuses a name resolving to loopback at connect time (the same name reaches the receiver when allowed, above)', async () => {
      rx = await receiver(200);
      resolvesTo('127.0.0.1');
      expect(await postWebhook(`http://hooks.example.test:${rx.port}/hook`, HEADERS, BODY, guarded)).toEqual({ kind: 'refused', host: 'hooks.example.test' });
      expect(lookupMock).toHaveBeenCalledWith('hooks.example.test', expect.objectContaining({ all: true }), expect.any(Function));
      await new Promise((res) => setTimeout(res, 100));
      expect(rx.got).toHaveLength(0);
    });

    it('refuses a name when any of its addresses is private', async () => {
      rx = await receiver(200);
      resolvesTo('93.184.215.14', '127.0.0.1');
      expect(await postWebhook(`http://hooks.example.test:${rx.port}/hook`, HEADERS, BODY, guarded)).toEqual({ kind: 'refused', host: 'hooks.example.test' });
      expect(rx.got).toHaveLength(0);
    });

    it('reports a DNS failure as before', async () => {
      rx = await receiver(200);
      mockAnswer = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
      expect(await postWebhook('http://nowhere.test/hook', HEADERS, BODY, guarded)).toEqual({ kind: 'error', error: 'request failed: ENOTFOUND' });
    });
  });
});

describe('publicOnlyLookup', () => {
  function run(all: boolean): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
    return new Promise((resolve) => publicOnlyLookup('hooks.example.test', { all }, (err, address, family) => resolve({ err, address, family })));
  }

  it('passes public addresses through, as a list or as the first address', async () => {
    resolvesTo('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c');
    expect(await run(true)).toEqual({
      err: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
      family: undefined,
    });
    expect(await run(false)).toEqual({ err: null, address: '93.184.215.14', family: 4 });
  });

  it.each([['169.254.169.254'], ['10.0.0.5'], ['fd00::1'], ['::ffff:7f00:1']])('fails when an address is %s', async (bad) => {
    resolvesTo('93.184.215.14', bad);
    expect((await run(true)).err).toBeInstanceOf(Error);
    expect((await run(false)).err).toBeInstanceOf(Error);
  });
});
