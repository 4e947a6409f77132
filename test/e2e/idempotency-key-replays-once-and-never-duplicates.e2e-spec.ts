import { CommandBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { IDEMPOTENCY_CLEANUP_QUEUE, PURGE_JOB } from '../../src/platform/idempotency/cleanup.job';
import { PurgeExpiredIdempotencyRecordsCommand } from '../../src/platform/idempotency/purge-expired.command';
import { bootApp, http, sql, useWorld } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 4, acceptance 1-3 (API.md "Idempotency-Key"): replay byte for byte with X-Idempotency: HIT and no
 * new rows; 422 on a different request; per API key scope; 20 concurrent requests -> one MISS, one claim;
 * 400 not stored; takeover of a crashed record after its lock; expiry and the cleanup job.
 */
describe('Idempotency-Key: one execution per key, exact replays', () => {
  const t = useWorld({
    ROLE: 'api',
    API_KEYS: `e2e:e2e-client-secret,other:other-client-secret`,
    IDEMPOTENCY_LOCK_SECONDS: '2',
  });

  const body = () => ({ wallet: freshWallet(), token: 'USDC', amount: '0.5', reason: `idem:${Math.random()}` });
  const key = () => `key-${Math.random().toString(36).slice(2)}`;
  const post = (b: unknown, k: string, auth: string = 'client') =>
    http(t.app, 'POST', '/v1/claims', b, { auth, headers: { 'idempotency-key': k } });
  const counts = async (wallet: string) => {
    const [c] = await sql(
      t.world,
      `SELECT (SELECT count(*) FROM claims WHERE wallet = $1)::int AS claims,
              (SELECT count(*) FROM claim_events e JOIN claims c ON c.id = e.claim_id WHERE c.wallet = $1)::int AS events,
              (SELECT count(*) FROM ledger_postings)::int AS postings,
              (SELECT count(*) FROM idempotency_records)::int AS records`,
      [wallet],
    );
    return c;
  };

  it('same key + same body (keys reordered): 201 MISS, then the identical 201 replayed as HIT, one claim, no new rows', async () => {
    const b = body();
    const k = key();
    const first = await fetch(t.app.url + '/v1/claims', {
      method: 'POST',
      headers: { authorization: 'Bearer e2e-client-secret', 'content-type': 'application/json', 'idempotency-key': k },
      body: JSON.stringify(b),
    });
    const firstBytes = Buffer.from(await first.arrayBuffer());
    expect(first.status).toBe(201);
    expect(first.headers.get('x-idempotency')).toBe('MISS');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const before = await counts(b.wallet);
    expect(before.claims).toBe(1);

    const reordered = JSON.stringify({ reason: b.reason, amount: b.amount, token: b.token, wallet: b.wallet }, null, 2);
    const second = await fetch(t.app.url + '/v1/claims', {
      method: 'POST',
      headers: { authorization: 'Bearer e2e-client-secret', 'content-type': 'application/json', 'idempotency-key': k },
      body: reordered,
    });
    const secondBytes = Buffer.from(await second.arrayBuffer());
    expect(second.status).toBe(201);
    expect(second.headers.get('x-idempotency')).toBe('HIT');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(secondBytes.equals(firstBytes)).toBe(true);
    expect(await counts(b.wallet)).toEqual(before); // no new rows anywhere
  });

  it('same key, different body: 422 problem, no claim; the same key from another API key is independent', async () => {
    const k = key();
    const a = body();
    expect((await post(a, k)).status).toBe(201);
    const b = { ...a, amount: '0.6' };
    const res = await post(b, k);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY.KEY_REUSED' });
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [a.wallet]))[0].n).toBe(1);

    // another client, same key, a different request: processed on its own
    const other = await post(b, k, 'other-client-secret');
    expect(other.status).toBe(201);
    expect(other.headers.get('x-idempotency')).toBe('MISS');
    expect(other.body.client).toBe('other');
    expect(other.body.amount).toBe('0.6');
    // and the first client's key still replays its own first response
    const replay = await post(a, k);
    expect(replay.headers.get('x-idempotency')).toBe('HIT');
    expect(replay.body.amount).toBe('0.5');
    expect((await sql(t.world, `SELECT api_key_name FROM idempotency_records WHERE key = $1 ORDER BY 1`, [k])).map((r) => r.api_key_name)).toEqual([
      'client:e2e',
      'client:other',
    ]);
  });

  it('20 concurrent POSTs with one key: exactly one MISS, the rest 409 (Retry-After: 1) or HIT, one claim', async () => {
    const b = body();
    const k = key();
    const results = await Promise.all(Array.from({ length: 20 }, () => post(b, k)));
    const misses = results.filter((r) => r.headers.get('x-idempotency') === 'MISS');
    expect(misses).toHaveLength(1);
    expect(misses[0]!.status).toBe(201);
    for (const r of results) {
      if (r === misses[0]) continue;
      if (r.status === 409) {
        expect(r.headers.get('retry-after')).toBe('1');
        expect(r.body.code).toBe('IDEMPOTENCY.IN_FLIGHT');
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      } else {
        expect(r.status).toBe(201);
        expect(r.headers.get('x-idempotency')).toBe('HIT');
        expect(r.body.id).toBe(misses[0]!.body.id);
      }
    }
    const statuses = results.map((r) => r.status).sort();
    // eslint-disable-next-line no-console
    console.log(`20 concurrent, one key: ${statuses.filter((s) => s === 409).length}x 409, ${results.filter((r) => r.headers.get('x-idempotency') === 'HIT').length}x HIT, 1 MISS`);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [b.wallet]))[0].n).toBe(1);
  });

  it('a 400 is not stored: the corrected request with the same key is processed', async () => {
    const k = key();
    const b = body();
    const bad = await post({ ...b, amount: '0.1234567' }, k);
    expect(bad.status).toBe(400);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1`, [k]))[0].n).toBe(0);
    const good = await post(b, k);
    expect(good.status).toBe(201);
    expect(good.headers.get('x-idempotency')).toBe('MISS');
  });

  it('an Idempotency-Key outside 1..255 characters is a 400 problem naming the header', async () => {
    for (const k of ['', 'x'.repeat(256)]) {
      const res = await post(body(), k);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    }
    expect((await post(body(), 'x'.repeat(255))).status).toBe(201);
  });

  it('error responses other than 400 are stored and replayed too (404 on cancel of an unknown claim)', async () => {
    const k = key();
    const first = await http(t.app, 'POST', '/v1/claims/7c9e6679-7425-40de-944b-e07fc1f90ae7/cancel', undefined, { headers: { 'idempotency-key': k } });
    expect(first.status).toBe(404);
    expect(first.headers.get('x-idempotency')).toBe('MISS');
    const again = await http(t.app, 'POST', '/v1/claims/7c9e6679-7425-40de-944b-e07fc1f90ae7/cancel', undefined, { headers: { 'idempotency-key': k } });
    expect(again.status).toBe(404);
    expect(again.headers.get('x-idempotency')).toBe('HIT');
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toEqual(first.body);
  });

  it('a record whose request died in flight is taken over once its lock expires, never stuck for the TTL', async () => {
    const b = body();
    const k = key();
    // what a crashed request leaves behind: an in-flight record with the same fingerprint
    expect((await post(b, k)).status).toBe(201);
    await sql(
      t.world,
      `UPDATE idempotency_records SET status = 'in_flight', lock_token = gen_random_uuid(), locked_until = clock_timestamp() + interval '1 second',
              response_status = NULL, response_headers = NULL, response_body = NULL WHERE key = $1`,
      [k],
    );
    const busy = await post(b, k);
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 1200));
    const retry = await post(b, k);
    expect(retry.status).toBe(200); // re-executed: the claim exists already (same idempoKey)
    expect(retry.headers.get('x-idempotency')).toBe('MISS');
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [b.wallet]))[0].n).toBe(1);
    expect((await post(b, k)).headers.get('x-idempotency')).toBe('HIT');
  });

  it('an expired record is ignored on read and deleted by the cleanup job', async () => {
    const b = body();
    const k = key();
    expect((await post(b, k)).status).toBe(201);
    await sql(t.world, `UPDATE idempotency_records SET expires_at = clock_timestamp() - interval '1 second' WHERE key = $1`, [k]);
    // expired: the key is free again, even for a different request
    const fresh = await post({ ...b, reason: b.reason + ':new' }, k);
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('x-idempotency')).toBe('MISS');

    const k2 = key();
    expect((await post(body(), k2)).status).toBe(201);
    await sql(t.world, `UPDATE idempotency_records SET expires_at = clock_timestamp() - interval '1 second' WHERE key = $1`, [k2]);
    const live = (await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records WHERE expires_at > clock_timestamp()`))[0].n;
    const { deleted } = await t.app.running.app.get(CommandBus).execute(new PurgeExpiredIdempotencyRecordsCommand());
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records WHERE key = $1`, [k2]))[0].n).toBe(0);
    expect((await sql(t.world, `SELECT count(*)::int AS n FROM idempotency_records`))[0].n).toBe(live);
  });

  it('the cleanup is a repeatable job, scheduled by worker roles only', async () => {
    const queue = new Queue(IDEMPOTENCY_CLEANUP_QUEUE, { connection: { url: t.world.env.REDIS_URL }, prefix: t.world.env.QUEUE_PREFIX });
    try {
      expect(await queue.getJobSchedulers()).toEqual([]); // the api role schedules nothing
      const worker = await bootApp(t.world, { ROLE: 'worker' });
      try {
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers.map((s) => s.key)).toEqual([PURGE_JOB]);
      } finally {
        await worker.close();
      }
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });

  it('GET requests and requests without the header are untouched', async () => {
    const res = await http(t.app, 'GET', '/v1/claims?limit=1', undefined, { headers: { 'idempotency-key': key() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-idempotency')).toBeNull();
    const plain = await http(t.app, 'POST', '/v1/claims', body());
    expect(plain.status).toBe(201);
    expect(plain.headers.get('x-idempotency')).toBeNull();
  });
});
