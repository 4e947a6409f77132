import { formatUnits, toBeHex } from 'ethers';
import { CONTRACT_METRICS } from '../../src/platform/metrics/metrics';
import { http, sql, useWorld, waitFor } from '../helpers/app';
import { balanceOf, freshWallet } from '../helpers/chain';

/**
 * Acceptance 3: after a run of 20 claims, /metrics exposes every metric API.md names with sane values:
 * claims_total{completed} = 20, ledger imbalance 0, ledger drift 0 (and not 0 when the chain moves behind
 * the ledger's back), signer balance = the chain's, routes as patterns; a forged webhook is counted.
 */
type Sample = { name: string; labels: Record<string, string>; value: number };

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

describe('/metrics exposes every contract metric with sane values', () => {
  const t = useWorld({ RECONCILE_EVERY_MS: '300', WEBHOOK_SECRETS: 'legacy:legacy-plain-secret-of-24-bytes' }, { provider: true });

  const scrape = async () => {
    const r = await http<string>(t.app, 'GET', '/metrics', undefined, { auth: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    return { text: r.body, samples: parse(r.body) };
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

  it('after 20 claims: counts, books, drift, signer balance, queues, durations and routes', async () => {
    const claims = Array.from({ length: 20 }, (_, i) => ({ wallet: freshWallet(), token: i % 4 === 0 ? 'ETH' : 'USDC', amount: i % 4 === 0 ? '0.001' : '1.5', reason: `metrics:${i}` }));
    const created = await Promise.all(claims.map((c) => http(t.app, 'POST', '/v1/claims', c)));
    for (const r of created) expect(r.status).toBe(201);
    // while payouts are in flight (mined but not yet settled, or settled after the chain was read) the
    // reconciliation brings the ledger to the chain's block: the drift stays 0 throughout
    const seen: string[] = [];
    await waitFor(
      async () => {
        const s = parse((await http<string>(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
        seen.push(`${value(s, 'payrail_ledger_drift_base', { token: 'USDC' })}/${value(s, 'payrail_ledger_drift_base', { token: 'ETH' })}`);
        return (await sql(t.world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === 20;
      },
      60_000,
      '20 completed',
      100,
    );
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.filter((d) => d !== '0/0' && d !== 'undefined/undefined')).toEqual([]);
    const doneAt = Date.now() / 1000;
    expect((await http(t.app, 'GET', `/v1/claims/${created[0]!.body.id}`)).status).toBe(200);
    expect((await http(t.app, 'GET', '/v1/claims', undefined, { auth: null })).status).toBe(401);

    // a reconciliation that started after the last settlement
    const { text, samples } = await waitFor(
      async () => {
        const s = await scrape();
        return (value(s.samples, 'payrail_reconcile_last_success_timestamp_seconds') ?? 0) > doneAt + 0.5 ? s : null;
      },
      20_000,
      'a reconciliation after the run',
    );

    for (const name of CONTRACT_METRICS) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');

    expect(value(samples, 'payrail_claims_total', { status: 'completed' })).toBe(20);
    expect(value(samples, 'payrail_claims_total', { status: 'pending' })).toBe(0);
    expect(value(samples, 'payrail_claims_total', { status: 'failed' })).toBe(0);
    expect(value(samples, 'payrail_claims_processing_lag_seconds')).toBe(0);
    expect(value(samples, 'payrail_ledger_imbalance', { currency: 'USDC' })).toBe(0);
    expect(value(samples, 'payrail_ledger_imbalance', { currency: 'ETH' })).toBe(0);
    expect(value(samples, 'payrail_ledger_drift_base', { token: 'USDC' })).toBe(0);
    expect(value(samples, 'payrail_ledger_drift_base', { token: 'ETH' })).toBe(0);
    expect(value(samples, 'payrail_nonce_lag', { signer: t.world.treasury })).toBe(0);
    expect(value(samples, 'payrail_nonce_gap', { signer: t.world.treasury })).toBe(0);
    const usdc = Number(formatUnits(await balanceOf(t.world, t.provider, 'USDC', t.world.treasury), 6));
    expect(value(samples, 'payrail_signer_balance', { token: 'USDC' })).toBe(usdc);
    expect(value(samples, 'payrail_signer_balance', { token: 'ETH' })).toBeCloseTo(Number(formatUnits(await balanceOf(t.world, t.provider, 'ETH', t.world.treasury), 18)), 6);

    expect(value(samples, 'payrail_queue_depth', { queue: 'claims' })).toBe(0);
    expect(value(samples, 'payrail_queue_depth', { queue: 'dead-letter' })).toBe(0);
    expect(value(samples, 'payrail_claims_dead_lettered')).toBe(0);
    expect(value(samples, 'payrail_queue_jobs', { queue: 'claims', state: 'failed' })).toBe(0);
    expect(value(samples, 'payrail_settlement_duration_seconds_count', { token: 'USDC' })).toBe(15);
    expect(value(samples, 'payrail_settlement_duration_seconds_count', { token: 'ETH' })).toBe(5);
    const settleSum = sum(samples, 'payrail_settlement_duration_seconds_sum');
    expect(settleSum).toBeGreaterThan(0);
    expect(settleSum / 20).toBeLessThan(60);
    expect(value(samples, 'payrail_job_duration_seconds_count', { queue: 'claims', outcome: 'completed' })).toBeGreaterThanOrEqual(20);

    // route patterns, errors included, never raw URLs
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/claims', status: '201' })).toBe(20);
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/claims/:id', status: '200' })).toBe(1);
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/claims', status: '401' })).toBe(1);
    expect(text).not.toContain(created[0]!.body.id);
  });

  it('an outflow nobody booked is booked as a funding withdrawal, a top-up as funding, and the drift stays 0', async () => {
    // money that leaves by other means (the key used outside Payrail) and comes back: the funding sync books
    // both from the chain (issue 11, finding 9), so payrail_ledger_drift_base ends at 0 each time
    const before = await t.provider.getBalance(t.world.treasury);
    const delta = 12_345n;
    const driftNow = async (want: number) => {
      const s = await scrape();
      return value(s.samples, 'payrail_ledger_drift_base', { token: 'ETH' }) === want ? s : null;
    };
    const booked = (kind: string) =>
      sql<{ amount: string }>(
        t.world,
        `SELECT p.amount::text FROM ledger_postings p JOIN ledger_journals j ON j.id = p.journal_id
          WHERE j.kind = $1 AND p.account = 'treasury:ETH'`,
        [kind],
      );
    await t.provider.send('hardhat_setBalance', [t.world.treasury, toBeHex(before - delta)]);
    try {
      const out = await waitFor(
        async () => {
          const rows = await booked('funding.withdrawal');
          return rows.length > 0 && rows;
        },
        15_000,
        'the outflow booked',
      );
      expect(out.map((r) => BigInt(r.amount))).toEqual([-delta]);
      await waitFor(() => driftNow(0), 20_000, 'ETH drift 0 after the withdrawal');
    } finally {
      await t.provider.send('hardhat_setBalance', [t.world.treasury, toBeHex(before)]);
    }
    const back = await waitFor(
      async () => {
        const rows = await booked('funding.topup');
        return rows.some((r) => BigInt(r.amount) === delta) && rows;
      },
      15_000,
      'the money back booked as a top-up',
    );
    expect(back.filter((r) => BigInt(r.amount) === delta)).toHaveLength(1);
    await waitFor(() => driftNow(0), 20_000, 'ETH drift back to 0');
  });

  it('counts a forged webhook', async () => {
    const failures = async () => sum((await scrape()).samples, 'webhook_verification_failures_total', { provider: 'legacy' });
    const before = await failures();
    const raw = JSON.stringify({ id: 'evt_forged', type: 'contribution.settled', data: {} });
    const r = await http(t.app, 'POST', '/v1/webhooks/legacy', undefined, { auth: null, raw, headers: { 'x-signature': `sha256=${'0'.repeat(64)}` } });
    expect(r.status).toBe(401);
    expect(await failures()).toBe(before + 1);
  });
});
