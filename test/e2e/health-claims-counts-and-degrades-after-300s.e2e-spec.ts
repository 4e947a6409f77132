import { Client } from 'pg';
import { CLAIM_STATS_SQL } from '../../src/modules/health/claim-stats';
import { runMigrations } from '../../src/platform/database/data-source';
import { ensureDatabase } from '../../src/platform/database/ensure-database';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Acceptance 1: GET /health/claims (seed 000's shape, admin token) after a run of 20 claims: counts equal
 * the database's, rate1m counts the completions of the last 60 s, lastProcessedAt is the last completion;
 * a pending claim backdated 301 s makes it `degraded`. Its statement uses indexes only (EXPLAIN on a
 * table with 20,000 rows).
 */
describe('/health/claims counts claims and degrades after 300 s', () => {
  let world: World;
  let app: TestApp | undefined;

  beforeAll(async () => {
    world = newWorld();
    app = await bootApp(world);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('needs the admin token', async () => {
    expect((await http(app!, 'GET', '/health/claims', undefined, { auth: null })).status).toBe(401);
    expect((await http(app!, 'GET', '/health/claims', undefined, { auth: 'client' })).status).toBe(403);
    expect((await http(app!, 'GET', '/health/workers', undefined, { auth: null })).status).toBe(401);
  });

  it('after 20 claims: counts match the database, rate1m and lastProcessedAt are set', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http(app!, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: `0.0${(i % 9) + 1}`, reason: `health:${i}` }),
      ),
    );
    for (const r of created) expect(r.status).toBe(201);
    await waitFor(async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 20, 60_000, '20 claims completed');

    const h = await http(app!, 'GET', '/health/claims', undefined, { auth: 'admin' });
    expect(h.status).toBe(200);
    const db = Object.fromEntries((await sql(world, `SELECT status, count(*)::int AS n FROM claims GROUP BY status`)).map((r) => [r.status, r.n]));
    const [last] = await sql(world, `SELECT max(processed_at) AS at FROM claims WHERE status = 'completed'`);
    const [recent] = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed' AND processed_at >= now() - interval '60 seconds'`);
    expect(h.body).toEqual({
      ok: true,
      timestamp: expect.any(String),
      blockchain: { connected: true, block: expect.any(Number), chainId: 31337 },
      database: { connected: true },
      claims: {
        pending: db.pending ?? 0,
        processing: db.processing ?? 0,
        submitted: db.submitted ?? 0,
        completed: 20,
        failed: db.failed ?? 0,
        total: Object.values(db).reduce((a: number, b) => a + (b as number), 0),
      },
      metrics: { lastProcessedAt: new Date(last.at).toISOString(), processingLagSec: 0, rate1m: 20, health: 'healthy' },
    });
    expect(recent.n).toBe(20); // the run took well under 60 s, so every completion is in the window
    expect(h.body.claims.total).toBe(20);
    expect(h.body.blockchain.block).toBeGreaterThan(0);

    const w = await http(app!, 'GET', '/health/workers', undefined, { auth: 'admin' });
    expect(w.status).toBe(200);
    expect(w.body.queues.claims).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, workers: 1 });
    expect(w.body.queues['chain-watch'].workers).toBe(1);
    expect(w.body.workers).toBeGreaterThanOrEqual(2);
  });

  it('is degraded while a pending claim is older than 300 s, healthy again once it is gone', async () => {
    // an API-only process: no worker takes the claim while it is backdated
    await app!.close();
    app = await bootApp(world, { ROLE: 'api' });
    const c = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.5', reason: 'health:stale' });
    expect(c.status).toBe(201);
    let h = await http(app, 'GET', '/health/claims', undefined, { auth: 'admin' });
    expect(h.body.claims.pending).toBe(1);
    expect(h.body.metrics.health).toBe('healthy');
    expect(h.body.metrics.processingLagSec).toBeLessThan(300);

    await sql(world, `UPDATE claims SET created_at = now() - interval '301 seconds' WHERE id = $1`, [c.body.id]);
    h = await http(app, 'GET', '/health/claims', undefined, { auth: 'admin' });
    expect(h.body.metrics.health).toBe('degraded');
    expect(h.body.metrics.processingLagSec).toBeGreaterThanOrEqual(301);
    expect(h.body.metrics.processingLagSec).toBeLessThan(320);
    expect(h.body.ok).toBe(true);

    expect((await http(app, 'POST', `/v1/claims/${c.body.id}/cancel`)).status).toBe(200);
    h = await http(app, 'GET', '/health/claims', undefined, { auth: 'admin' });
    expect(h.body.metrics).toMatchObject({ health: 'healthy', processingLagSec: 0 });
    expect(h.body.claims).toMatchObject({ pending: 0, completed: 20, total: 21 });

    // the same figures on /metrics
    const m = await http(app, 'GET', '/metrics', undefined, { auth: null });
    expect(m.body).toMatch(/^payrail_claims_total\{status="completed"\} 20$/m);
    expect(m.body).toMatch(/^payrail_claims_total\{status="cancelled"\} 1$/m);
    expect(m.body).toMatch(/^payrail_claims_processing_lag_seconds 0$/m);
  });

  it('computes everything with index scans, never a sequential scan of claims (EXPLAIN, 20,000 rows)', async () => {
    const url = `${world.databaseUrl}_explain`; // dropped with the run's databases
    await ensureDatabase(url);
    await runMigrations(url);
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`
        INSERT INTO claims (idempo_key, wallet, token, amount_base, decimals, reason, client, status, processed_at, created_at)
        SELECT 'k' || g, '0x' || lpad(to_hex(g), 40, '0'), 'USDC', 1000, 6, 'explain:' || g, 'e2e',
               CASE WHEN g % 100 = 0 THEN 'failed' WHEN g % 97 = 0 THEN 'cancelled' WHEN g % 89 = 0 THEN 'pending'
                    WHEN g % 83 = 0 THEN 'processing' WHEN g % 79 = 0 THEN 'submitted' ELSE 'completed' END,
               CASE WHEN g % 89 = 0 OR g % 83 = 0 OR g % 79 = 0 THEN NULL ELSE now() - g * interval '1 second' END,
               now() - g * interval '1 second'
          FROM generate_series(1, 20000) AS g`);
      await c.query('ANALYZE claims');
      const plan = (await c.query(`EXPLAIN (FORMAT JSON) ${CLAIM_STATS_SQL}`)).rows[0]['QUERY PLAN'][0].Plan;
      const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string }[] = [];
      const walk = (n: { Plans?: unknown[] } & (typeof nodes)[number]) => {
        nodes.push(n);
        for (const child of n.Plans ?? []) walk(child as typeof n);
      };
      walk(plan);
      const onClaims = nodes.filter((n) => n['Relation Name'] === 'claims');
      expect(onClaims.length).toBeGreaterThanOrEqual(4);
      expect(onClaims.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
      for (const n of onClaims) expect(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']).toContain(n['Node Type']);
      const indexes = new Set(nodes.map((n) => n['Index Name']).filter(Boolean));
      expect([...indexes].sort()).toEqual(['claims_held_idx', 'claims_open_idx', 'claims_status_processed_idx']);

      // and the statement's figures are right on that table
      const [row] = (await c.query(CLAIM_STATS_SQL)).rows;
      const truth = Object.fromEntries((await c.query(`SELECT status, count(*)::int AS n FROM claims GROUP BY status`)).rows.map((r) => [r.status, r.n]));
      for (const [status, n] of Object.entries(truth)) expect(Number(row.counts[status])).toBe(n);
      const [r1m] = (await c.query(`SELECT count(*)::int AS n FROM claims WHERE status = 'completed' AND processed_at >= now() - interval '60 seconds'`)).rows;
      expect(row.rate1m).toBe(r1m.n);
    } finally {
      await c.end();
    }
  });
});
