import { IdempotencyStore } from '../../src/platform/idempotency/idempotency.store';
import { bootApp, http, newWorld, sql, TestApp, World } from '../helpers/app';
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

  it('one request at a time, retried at once (well inside the 20 ms before its response is stored): 10 HITs, never a 409', async () => {
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
