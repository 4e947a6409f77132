import { Client, Pool } from 'pg';
import { IdempotencyStore } from '../../src/platform/idempotency/idempotency.store';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 4 (ADR 0003): a keyed response is stored behind the response, coalesced with others. Nothing a
 * client can observe gets weaker: an immediate retry on the same process replays (HIT, same claim); on
 * another process it is a HIT or a 409 with Retry-After that becomes a HIT; a graceful stop stores every
 * response already queued (tested on the store with 50 completions still in memory: an app-level version
 * passed even without the wait, because its completions were written before the stop began). The key is
 * claimed early (right after authentication, overlapping the wallet rate limit): a request a later guard
 * refuses leaves no record behind.
 */
describe('Idempotency-Key responses stored behind the response', () => {
  let world: World;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    world = newWorld();
    a = await bootApp(world, { ROLE: 'api' });
    b = await bootApp(world, { ROLE: 'api' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const tag = `behind-${Math.random().toString(36).slice(2)}`;
  const claimBody = (i: number) => ({ wallet: freshWallet(), token: 'USDC', amount: '0.25', reason: `${tag}:${i}` });
  const post = (app: TestApp, body: unknown, key: string) => http(app, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
  const records = (prefix: string) =>
    sql<{ status: string; n: number; statements: number }>(
      world,
      `SELECT status, count(*)::int AS n, count(DISTINCT completed_at)::int AS statements
         FROM idempotency_records WHERE key LIKE $1 GROUP BY status`,
      [`${prefix}%`],
    );

  it('40 concurrent keyed POSTs, stored by coalesced UPDATEs: each retry replays (HIT, same claim), 40 records completed', async () => {
    const prefix = `${tag}-same-`;
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const body = claimBody(i);
        const first = await post(a, body, `${prefix}${i}`);
        const again = await post(a, body, `${prefix}${i}`);
        return { first, again };
      }),
    );
    for (const { first, again } of outcomes) {
      expect(first.status).toBe(201);
      expect(first.headers.get('x-idempotency')).toBe('MISS');
      expect(again.status).toBe(201);
      expect(again.headers.get('x-idempotency')).toBe('HIT');
      expect(again.body).toEqual(first.body);
    }
    const rows = await records(prefix);
    expect(rows).toEqual([expect.objectContaining({ status: 'completed', n: 40 })]);
    const [claims] = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE $1`, [`${tag}:%`]);
    expect(claims.n).toBe(40);
    // eslint-disable-next-line no-console
    console.log(`40 responses stored by ${rows[0]!.statements} UPDATE statement(s)`);
  });

  it('one request at a time, retried at once (before the timed flush: the retry\'s claim carries the completion, or waits for it): 10 HITs, never a 409', async () => {
    const prefix = `${tag}-seq-`;
    for (let i = 0; i < 10; i++) {
      const body = claimBody(300 + i);
      const first = await post(a, body, `${prefix}${i}`);
      expect(first.status).toBe(201);
      const again = await post(a, body, `${prefix}${i}`);
      expect({ status: again.status, cache: again.headers.get('x-idempotency') }).toEqual({ status: 201, cache: 'HIT' });
      expect(again.body.id).toBe(first.body.id);
    }
  });

  it('a retry on another process right after the answer: HIT, or 409 + Retry-After: 1 and then HIT; never a second claim', async () => {
    const prefix = `${tag}-other-`;
    const seen = { hit: 0, conflict: 0 };
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const body = claimBody(100 + i);
        const key = `${prefix}${i}`;
        const first = await post(a, body, key);
        expect(first.status).toBe(201);
        let again = await post(b, body, key);
        if (again.status === 409) {
          seen.conflict++;
          expect(again.headers.get('retry-after')).toBe('1');
          await new Promise((r) => setTimeout(r, 1000));
          again = await post(b, body, key);
        } else {
          seen.hit++;
        }
        expect(again.status).toBe(201);
        expect(again.headers.get('x-idempotency')).toBe('HIT');
        expect(again.body.id).toBe(first.body.id);
      }),
    );
    // eslint-disable-next-line no-console
    console.log(`retries on the other process: ${seen.hit} HIT at once, ${seen.conflict} 409 then HIT`);
    const [claims] = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE reason LIKE $1`, [`${tag}:1__`]);
    expect(claims.n).toBe(20);
  });

  it('a stop with 50 completions still queued (not yet sent to Postgres) writes all of them before closing its pool', async () => {
    const store = new IdempotencyStore(a.config);
    const prefix = `${tag}-queued-`;
    const claimed = [];
    for (let i = 0; i < 50; i++) {
      const outcome = await store.claim('client:e2e', `${prefix}${i}`, 'f'.repeat(64), 'POST', '/v1/claims');
      if (outcome.kind !== 'claimed') throw new Error(`expected a claim, got ${outcome.kind}`);
      claimed.push(outcome);
    }
    const stored = claimed.map((c, i) =>
      store.complete(c.id, c.token, { status: 201, headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"n":${i}}`) }),
    );
    await store.onApplicationShutdown(); // at once: all but the first batch are still queued in memory
    expect(await Promise.all(stored)).toEqual(Array(50).fill(true));
    expect(await records(prefix)).toEqual([expect.objectContaining({ status: 'completed', n: 50 })]);
  });

  /** A store of its own whose statements are recorded (first line of each), to see which carried what. */
  function recordingStore(): { store: IdempotencyStore; statements: string[] } {
    const store = new IdempotencyStore(a.config);
    const pool = (store as unknown as { pool: Pool }).pool;
    const statements: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
      statements.push(String((config as { text?: string }).text ?? config).trim().split('\n')[0]!.trim());
      return query(config, ...rest);
    };
    return { store, statements };
  }
  const response = (n: number) => ({ status: 201, headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"n":${n}}`) });

  it('completions queued when another key is claimed ride in that claim\'s statement: no UPDATE of their own', async () => {
    const { store, statements } = recordingStore();
    const prefix = `${tag}-carried-`;
    try {
      const first = await store.claim('client:e2e', `${prefix}1`, 'f'.repeat(64), 'POST', '/v1/claims');
      if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
      const stored = store.complete(first.id, first.token, response(1)); // queued
      const second = await store.claim('client:e2e', `${prefix}2`, 'f'.repeat(64), 'POST', '/v1/claims'); // carries it
      expect(second.kind).toBe('claimed');
      expect(await stored).toBe(true); // settled by the claim's statement, before the timed flush
      const [row] = await sql(world, `SELECT status, response_body FROM idempotency_records WHERE key = $1`, [`${prefix}1`]);
      expect({ status: row.status, body: row.response_body.toString() }).toEqual({ status: 'completed', body: '{"n":1}' });
      await new Promise((r) => setTimeout(r, 100)); // past the flush delay: nothing was left for it
      expect(statements).toEqual([expect.stringMatching(/^INSERT INTO idempotency_records/), expect.stringMatching(/^WITH done AS \(UPDATE/)]);
    } finally {
      await store.onApplicationShutdown();
    }
  });

  it('a retry in this process while its response is being written (the UPDATE held up by a row lock) waits and replays; never a 409', async () => {
    const { store } = recordingStore();
    const key = `${tag}-waits-1`;
    const locker = new Client({ connectionString: world.databaseUrl });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      const first = await store.claim('client:e2e', key, 'f'.repeat(64), 'POST', '/v1/claims');
      if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
      await locker.query('BEGIN');
      await locker.query(`SELECT id FROM idempotency_records WHERE key = $1 FOR UPDATE`, [key]);
      const stored = store.complete(first.id, first.token, response(7));
      // the timed flush takes it from the queue and blocks on the lock: wait until Postgres shows it waiting
      await waitFor(
        async () => (await sql(world, `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE idempotency_records%'`)).length > 0,
        10_000,
        'the completion UPDATE waiting on the row lock',
        20,
      );
      let settled = false;
      const retry = store.claim('client:e2e', key, 'f'.repeat(64), 'POST', '/v1/claims').finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false); // without the wait it would have answered in_flight (a 409) by now
      await locker.query('COMMIT');
      const outcome = await retry;
      expect(outcome.kind).toBe('replay');
      if (outcome.kind === 'replay') expect(outcome.response.body.toString()).toBe('{"n":7}');
      expect(await stored).toBe(true);
    } finally {
      await locker.end();
      await store.onApplicationShutdown();
    }
  });

  it('a key claimed early and then refused by the wallet rate limit (429) is released: nothing stored, the key reusable', async () => {
    // its own prefix: its wallet budget (and the block it sets) is not shared with the other apps here
    const limited = await bootApp(world, { ROLE: 'api', RL_CLAIMS_PER_HOUR_WALLET: '1', QUEUE_PREFIX: `${world.env.QUEUE_PREFIX}lim` });
    try {
      const wallet = freshWallet();
      const first = { wallet, token: 'USDC', amount: '0.1', reason: `${tag}:limited:1` };
      const second = { ...first, reason: `${tag}:limited:2` };
      expect((await post(limited, first, `${tag}-limited-1`)).status).toBe(201);
      const refused = await post(limited, second, `${tag}-limited-2`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-idempotency')).toBeNull();
      expect(await records(`${tag}-limited-2`)).toEqual([]);
      // the same key and body on a process whose budget allows it: a fresh execution, not a replayed 429
      const later = await post(a, second, `${tag}-limited-2`);
      expect(later.status).toBe(201);
      expect(later.headers.get('x-idempotency')).toBe('MISS');
    } finally {
      await limited.close();
    }
  });
});
