import { Client } from 'pg';
import { requestFingerprint } from '../../src/platform/idempotency/fingerprint';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 4 (ADR 0004): on POST /v1/claims the handler runs while the key's claim is still on its way to
 * Postgres, and its transaction commits only once the key is known to be this request's. Here the claim is
 * held up for real: the test inserts the same (client, key) record in a transaction of its own and keeps it
 * open, so the app's claim INSERT waits on the unique index. Meanwhile the handler's transaction reaches
 * the gate and waits (seen in pg_stat_activity). What the test's transaction then does decides the answer.
 */
describe('POST /v1/claims runs while its Idempotency-Key is being claimed, and commits only if the key is its own', () => {
  const booted = useWorld();
  const tag = `alongside-${Math.random().toString(36).slice(2)}`;

  async function holdKey(key: string, body: object, replay: { status: number; body: string }): Promise<Client> {
    const locker = new Client({ connectionString: booted.world.databaseUrl });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(
      `INSERT INTO idempotency_records
         (api_key_name, key, fingerprint, request_method, request_path, status, response_status, response_headers,
          response_body, completed_at, expires_at)
       VALUES ('client:e2e', $1, $2, 'POST', '/v1/claims', 'completed', $3, $4, convert_to($5, 'UTF8'), now(),
               now() + interval '1 hour')`,
      [key, requestFingerprint('POST', '/v1/claims', body), replay.status, { 'content-type': 'application/json; charset=utf-8' }, replay.body],
    );
    return locker;
  }

  /** Both halves waiting: the claim INSERT on the test's lock, and the handler's transaction at the gate. */
  async function bothWaiting(): Promise<void> {
    const dbName = booted.world.databaseUrl.split('/').pop()!;
    await waitFor(
      async () => {
        const rows = await sql<{ claim: number; business: number }>(
          booted.world,
          `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND query ~ 'INSERT INTO idempotency_records')::int AS claim,
                  count(*) FILTER (WHERE state = 'idle in transaction' AND query ~ 'claim_events')::int AS business
             FROM pg_stat_activity WHERE datname = $1`,
          [dbName],
        );
        return rows[0]!.claim === 1 && rows[0]!.business === 1;
      },
      10_000,
      'the claim INSERT waiting on the lock and the claim transaction waiting at the gate',
      20,
    );
  }

  const payablePostings = async (wallet: string) =>
    (await sql<{ n: number }>(booted.world, `SELECT count(*)::int AS n FROM ledger_postings WHERE lower(account) = lower($1)`, [`payable:${wallet}:USDC`]))[0]!.n;
  const claimsFor = async (reason: string) =>
    (await sql<{ n: number }>(booted.world, `SELECT count(*)::int AS n FROM claims WHERE reason = $1`, [reason]))[0]!.n;

  it('the key turns out to be held (a completed record commits first): the handler rolls back, the stored response is replayed', async () => {
    const body = { wallet: freshWallet(), token: 'USDC', amount: '0.3', reason: `${tag}:held` };
    const key = `${tag}-held`;
    const locker = await holdKey(key, body, { status: 201, body: '{"replayed":"from the record"}' });
    try {
      const answer = http(booted.app, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
      await bothWaiting();
      await locker.query('COMMIT');
      const res = await answer;
      expect(res.status).toBe(201);
      expect(res.headers.get('x-idempotency')).toBe('HIT');
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(res.body).toEqual({ replayed: 'from the record' });
      expect(await claimsFor(body.reason)).toBe(0); // the handler's claim, journal and event were rolled back
      expect(await payablePostings(body.wallet)).toBe(0);
    } finally {
      await locker.end();
    }
  });

  it('the key turns out to be free (the other transaction rolls back): the handler commits, 201 MISS, one claim', async () => {
    const body = { wallet: freshWallet(), token: 'USDC', amount: '0.3', reason: `${tag}:free` };
    const key = `${tag}-free`;
    const locker = await holdKey(key, body, { status: 201, body: '{}' });
    try {
      const answer = http(booted.app, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
      await bothWaiting();
      expect(await claimsFor(body.reason)).toBe(0); // not committed while the key is undecided
      await locker.query('ROLLBACK');
      const res = await answer;
      expect(res.status).toBe(201);
      expect(res.headers.get('x-idempotency')).toBe('MISS');
      expect(res.body.reason).toBe(body.reason);
      expect(await claimsFor(body.reason)).toBe(1);
      expect(await payablePostings(body.wallet)).toBe(1);
      const again = await http(booted.app, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
      expect({ status: again.status, cache: again.headers.get('x-idempotency'), id: again.body.id }).toEqual({ status: 201, cache: 'HIT', id: res.body.id });
    } finally {
      await locker.end();
    }
  });

  it('the same key with another body, held by a committed record: 422 and the handler\'s claim rolled back', async () => {
    const body = { wallet: freshWallet(), token: 'USDC', amount: '0.3', reason: `${tag}:other` };
    const key = `${tag}-other`;
    const locker = await holdKey(key, { ...body, amount: '0.4' }, { status: 201, body: '{}' });
    try {
      const answer = http(booted.app, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
      await bothWaiting();
      await locker.query('COMMIT');
      const res = await answer;
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await claimsFor(body.reason)).toBe(0);
    } finally {
      await locker.end();
    }
  });
});
