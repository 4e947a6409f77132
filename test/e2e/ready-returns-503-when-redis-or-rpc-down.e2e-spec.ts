import { ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, Server, Socket } from 'node:net';
import { bootApp, http, newWorld, TestApp, waitFor, World } from '../helpers/app';
import { freePort } from '../helpers/process';

/**
 * Acceptance 2: /health/ready is 503 (problem+json naming what is down) while Redis is stopped or the chain
 * RPC is unreachable, and 200 again once they are back; 503 when the signer's ETH is below MIN_SIGNER_ETH.
 * The shared Redis and dev chain are never touched: this app talks to a throwaway redis-server and to the
 * chain through a TCP relay, both started and stopped here.
 */
class ThrowawayRedis {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return; // running
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port), 10_000, `redis-server on ${this.port}`, 50);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}

/** A TCP relay to the dev chain that can be stopped and restarted on the same port. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('/health/ready returns 503 when Redis or the RPC is down', () => {
  let world: World;
  let app: TestApp | undefined;
  let redis: ThrowawayRedis;
  let relay: Relay;

  beforeAll(async () => {
    world = newWorld();
    redis = new ThrowawayRedis(await freePort());
    relay = new Relay(await freePort(), Number(new URL(world.rpcUrl).port));
    await redis.start();
    await relay.start();
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined); // lets the app's connections close cleanly
    await app?.close();
    await redis.stop();
    await relay.stop();
  });

  const ready = () => http(app!, 'GET', '/health/ready', undefined, { auth: null });
  const statusOf = async (code: number) => {
    const r = await ready();
    return r.status === code ? r : null;
  };

  it('is 200 with every check up, 503 while Redis is stopped, 200 after it restarts', async () => {
    app = await bootApp(world, { ROLE: 'api', REDIS_URL: `redis://127.0.0.1:${redis.port}`, CHAIN_RPC_URL: `http://127.0.0.1:${relay.port}` });
    const up = await ready();
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' }, chain: { status: 'up', chainId: 31337 }, signer: { status: 'up' } },
    });

    await redis.stop();
    const down = await waitFor(() => statusOf(503), 10_000, 'ready 503 with Redis stopped');
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ status: 503, checks: { redis: { status: 'down' }, database: { status: 'up' }, chain: { status: 'up' } } });

    await redis.start();
    await waitFor(() => statusOf(200), 15_000, 'ready 200 after Redis restarts');
  });

  it('is 503 while the RPC is unreachable, 200 after it is back', async () => {
    await relay.stop();
    const down = await waitFor(() => statusOf(503), 15_000, 'ready 503 with the RPC unreachable');
    expect(down.body).toMatchObject({ checks: { chain: { status: 'down' }, redis: { status: 'up' }, database: { status: 'up' } } });
    expect(down.body.checks.chain.message).toMatch(/RPC unreachable/);

    await relay.start();
    const up = await waitFor(() => statusOf(200), 15_000, 'ready 200 after the RPC is back');
    expect(up.body.info.chain).toMatchObject({ status: 'up', chainId: 31337 });
  });

  it('is 503 when the signer cannot pay gas (ETH below MIN_SIGNER_ETH)', async () => {
    await app!.close();
    app = await bootApp(world, { ROLE: 'api', MIN_SIGNER_ETH: '100000000' });
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks.signer).toMatchObject({ status: 'down', minEth: '100000000.0', address: world.treasury });
    expect(r.body.checks.chain.status).toBe('up');
  });
});
