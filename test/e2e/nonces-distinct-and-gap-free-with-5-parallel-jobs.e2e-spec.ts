import { http, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';

/**
 * Acceptance 3: with CLAIM_QUEUE_CONCURRENCY=5, jobs really run in parallel (their leases overlap in time)
 * and the treasury's nonces, read back from the chain, are distinct and gap-free.
 */
describe('nonces are distinct and gap-free with 5 parallel jobs', () => {
  // one transfer per claim (BATCH_MAX=1): 25 nonces for 25 claims; batching has its own tests (four lanes)
  const t = useWorld({ CLAIM_QUEUE_CONCURRENCY: '5', BATCH_MAX: '1' }, { provider: true });

  it('pays 25 claims with 5 jobs at a time and contiguous on-chain nonces', async () => {
    const startNonce = await t.provider.getTransactionCount(t.world.treasury, 'latest');
    const created = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        http(t.app, 'POST', '/v1/claims', { wallet: freshWallet(), token: i % 2 ? 'USDC' : 'ETH', amount: '0.01', reason: `nonce:${i}` }),
      ),
    );
    const ids = created.map((r) => r.body.id as string);
    await waitFor(
      async () => (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n === 25,
      90_000,
      '25 claims completed',
    );

    // Parallelism: at some instant, more than one claim was between `processing` and `submitted`.
    const spans = await sql<{ start: Date; end: Date }>(
      t.world,
      `SELECT min(at) FILTER (WHERE to_status = 'processing') AS start, min(at) FILTER (WHERE to_status = 'submitted') AS "end"
         FROM claim_events WHERE claim_id = ANY($1) GROUP BY claim_id`,
      [ids],
    );
    const points = spans.flatMap((s) => [
      { t: new Date(s.start).getTime(), d: 1 },
      { t: new Date(s.end).getTime(), d: -1 },
    ]);
    points.sort((a, b) => a.t - b.t || a.d - b.d);
    let live = 0;
    let maxLive = 0;
    for (const p of points) maxLive = Math.max(maxLive, (live += p.d));
    expect(maxLive).toBeGreaterThan(1);
    expect(maxLive).toBeLessThanOrEqual(5);

    // Nonces, read back from the chain by each claim's mined hash: distinct and contiguous.
    const hashes = (await Promise.all(ids.map((id) => http(t.app, 'GET', `/v1/claims/${id}`)))).map((r) => r.body.txHash as string);
    const nonces = (await Promise.all(hashes.map((h) => t.provider.getTransaction(h)))).map((tx) => {
      expect(tx?.from).toBe(t.world.treasury);
      return tx!.nonce;
    });
    nonces.sort((a, b) => a - b);
    expect(new Set(nonces).size).toBe(25);
    expect(nonces).toEqual(Array.from({ length: 25 }, (_, i) => startNonce + i));
    expect(await t.provider.getTransactionCount(t.world.treasury, 'latest')).toBe(startNonce + 25);
    const signer = await sql(t.world, 'SELECT next_nonce::int AS n FROM signers WHERE address = $1', [t.world.treasury]);
    expect(signer[0].n).toBe(startNonce + 25);
  });
});
