import type { Pool } from 'pg';
import type { AppConfig } from '../../config/config';
import { IdempotencyStore } from './idempotency.store';

/** The store against a fake pool: which statement carries which completion, and what happens when one fails. */
describe('IdempotencyStore: completions carried by claims', () => {
  const config = { databaseUrl: 'postgres://unused@127.0.0.1:1/none', role: 'api', idempotencyLockSeconds: 60, idempotencyTtlHours: 24 } as AppConfig;
  const response = { status: 201, headers: {}, body: Buffer.from('{}') };

  function fakeStore(answer: (text: string, values: unknown[]) => { id: string; claimed?: boolean }[]) {
    const store = new IdempotencyStore(config);
    const pool = (store as unknown as { pool: Pool & { query: unknown } }).pool;
    const seen: string[] = [];
    pool.query = (async (q: { text: string; values: unknown[] }) => {
      seen.push(q.text.trim().split(/\s+/).slice(0, 3).join(' '));
      return { rows: answer(q.text, q.values) };
    }) as never;
    return { store, seen, end: () => (pool as unknown as { end: () => Promise<void> }).end() };
  }

  it('a claim statement that fails puts its carried completions back: the timed flush stores them, and the claim error propagates', async () => {
    let failCarrying = true;
    const { store, seen, end } = fakeStore((text, values) => {
      if (text.startsWith('WITH done')) {
        if (failCarrying) throw new Error('connection terminated');
        return [];
      }
      if (text.startsWith('UPDATE')) return (JSON.parse(values[0] as string) as { id: string }[]).map((c) => ({ id: c.id }));
      return [{ id: `rec-${values[1]}` }]; // INSERT: claimed
    });
    const first = await store.claim('client:x', 'k1', 'f', 'POST', '/v1/claims');
    if (first.kind !== 'claimed') throw new Error('expected a claim');
    const stored = store.complete(first.id, first.token, response);
    await expect(store.claim('client:x', 'k2', 'f', 'POST', '/v1/claims')).rejects.toThrow('connection terminated');
    failCarrying = false;
    expect(await stored).toBe(true); // by the timed flush, after the failed carry
    expect(seen).toEqual(['INSERT INTO idempotency_records', 'WITH done AS', 'UPDATE idempotency_records r']);
    await store.onApplicationShutdown();
    await end().catch(() => undefined);
  });

  it('a stop waits for a claim statement still carrying completions', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { store } = fakeStore((text, values) => {
      if (text.startsWith('WITH done')) return [{ id: 'rec-k2', claimed: true }, ...(JSON.parse(values[8] as string) as { id: string }[]).map((c) => ({ id: c.id, claimed: false }))];
      return [{ id: `rec-${values[1]}` }];
    });
    const pool = (store as unknown as { pool: { query: (q: unknown) => Promise<unknown> } }).pool;
    const query = pool.query;
    const first = await store.claim('client:x', 'k1', 'f', 'POST', '/v1/claims');
    if (first.kind !== 'claimed') throw new Error('expected a claim');
    const stored = store.complete(first.id, first.token, response);
    pool.query = async (q: unknown) => {
      await gate; // the carrying statement is slow
      return query(q);
    };
    const second = store.claim('client:x', 'k2', 'f', 'POST', '/v1/claims');
    let stopped = false;
    const stopping = store.flushed().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await stored).toBe(true);
    expect((await second).kind).toBe('claimed');
    await store.onApplicationShutdown();
  });
});
