import { PAY_CLAIM_QUEUE } from '../../src/modules/payouts/jobs/pay-claim.job';
import { METRIC } from '../../src/platform/metrics/metrics';
import { http, newWorld, sql, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { AppProcess, freePort, spawnApp } from '../helpers/process';

/**
 * A worker-only process (ROLE=worker) has no HTTP app; with METRICS_PORT it serves GET /metrics, so the job
 * histograms of the processes that actually pay claims are scraped. Without METRICS_PORT it opens no port.
 */
describe('ROLE=worker with METRICS_PORT serves /metrics', () => {
  let world: World;
  const procs: AppProcess[] = [];

  beforeAll(() => {
    world = newWorld();
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  });

  const sample = (text: string, name: string, labels: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? null : Number(line.split(' ').pop());
  };

  it("shows the jobs this worker ran (5 claims paid), Node process metrics, and 404 elsewhere; the port closes on SIGTERM", async () => {
    const api = await spawnApp(world, { ROLE: 'api' });
    procs.push(api);
    const metricsPort = await freePort();
    const worker = await spawnApp(world, { ROLE: 'worker', METRICS_PORT: String(metricsPort) });
    procs.push(worker);
    expect(worker.output()).toContain(`metrics at http://127.0.0.1:${metricsPort}/metrics`);
    const url = `http://127.0.0.1:${metricsPort}`;

    for (let i = 0; i < 5; i++) {
      const r = await http(api, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.02', reason: `worker-metrics:${i}` });
      expect(r.status).toBe(201);
    }
    await waitFor(async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 5, 60_000, '5 claims completed');

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const paid = sample(text, `${METRIC.jobDuration}_count`, `queue="${PAY_CLAIM_QUEUE}",outcome="completed"`);
    expect(paid).not.toBeNull();
    expect(paid!).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    // the API process ran no jobs: its own /metrics has no completed pay-claim samples
    const apiText = await (await fetch(`${api.url}/metrics`)).text();
    expect(sample(apiText, `${METRIC.jobDuration}_count`, `queue="${PAY_CLAIM_QUEUE}",outcome="completed"`) ?? 0).toBe(0);

    expect((await fetch(`${url}/health/live`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);

    expect(await worker.kill('SIGTERM')).toBe(0);
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it('a worker without METRICS_PORT prints no metrics address; a taken METRICS_PORT stops boot in one line with exit 1', async () => {
    const plain = await spawnApp(world, { ROLE: 'worker' });
    procs.push(plain);
    expect(plain.output()).toMatch(/Payrail worker started\s*$/m);

    const taken = await freePort();
    const holder = await spawnApp(world, { ROLE: 'worker', METRICS_PORT: String(taken) });
    procs.push(holder);
    const second = await spawnApp(world, { ROLE: 'worker', METRICS_PORT: String(taken) }, false);
    procs.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`payrail: METRICS_PORT ${taken}: cannot listen (EADDRINUSE)`);
  });
});
