import { Client } from 'pg';
import { ADMIN_TOKEN, API_KEY, http, sql, useWorld, waitFor } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { parseCsv } from '../helpers/csv';

/**
 * Issue 15, "Reports" (API.md "Programs, client, CLI, reports"): GET /v1/claims/export and
 * GET /v1/ledger/journals/export stream RFC 4180 CSV with a header row. After 30 USDC claims taken in by bulk
 * intake (paid in shared batch payouts), 4 single ETH claims and 2 claims of another key are paid: one row per
 * claim, amounts that sum to what was paid, gas shares that sum exactly to each payout's gas and, over all
 * claims, to the ledger's `payout.gas` journals of the payouts that carry claims; a reason with a comma, a
 * quote and a newline round-trips and one starting with `=` is defused; each key exports only what GET
 * /v1/claims shows it; from/to filter on createdAt; the journals export sums to zero per currency, as the trial
 * balance says. 20,000 rows inserted by SQL stream in keyset pages: the last row is read after the first bytes
 * were sent (a change made in between shows), every row exactly once across timestamp ties.
 */
const OTHER = 'other-secret-00001';
const READER = 'reader-secret-0003';
const API_KEYS = [`e2e:${API_KEY}`, `other:${OTHER}`, `reader:${READER}:claims:read`].join(',');

const CLAIM_HEADER = ['id', 'wallet', 'token', 'amount', 'amountBase', 'reason', 'program', 'status', 'txHash', 'blockNumber', 'gasShare', 'createdAt', 'processedAt'];
const JOURNAL_HEADER = ['journalId', 'kind', 'ref', 'createdAt', 'account', 'currency', 'amount'];
const TRICKY = 'launch, "wave 2"\r\nline two\nline three';


type Row = Record<string, string>;

/** GET the export; the parsed rows as objects keyed by the header, which must be `header`. */
async function exportCsv(url: string, path: string, auth: string, header: string[]): Promise<{ res: Response; rows: Row[] }> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${auth}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
  const [head, ...records] = parseCsv(text);
  expect(head).toEqual(header);
  for (const r of records) expect(r).toHaveLength(header.length);
  return { res, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))) };
}

const sum = (xs: string[]) => xs.reduce((s, x) => s + BigInt(x), 0n);

describe('CSV exports stream every claim and posting and sum to the ledger', () => {
  const t = useWorld({ API_KEYS, RL_PER_MIN_KEY: '100000', RL_PER_MIN_IP: '100000' });

  const usdc = Array.from({ length: 30 }, (_, i) => ({
    wallet: freshWallet(),
    token: 'USDC',
    amount: `${i + 1}.${(i % 9) + 1}`, // as the API shows it back: no trailing zeros
    reason: i === 0 ? TRICKY : i === 1 ? '=HYPERLINK("http://evil")' : `export:usdc:${i}`,
  }));
  const eth = Array.from({ length: 4 }, (_, i) => ({ wallet: freshWallet(), token: 'ETH', amount: `0.00${i + 1}`, reason: `export:eth:${i}` }));
  const others = Array.from({ length: 2 }, (_, i) => ({ wallet: freshWallet(), token: 'USDC', amount: '0.5', reason: `export:other:${i}` }));
  const base = (c: { token: string; amount: string }) => {
    const [whole, frac = ''] = c.amount.split('.');
    const decimals = c.token === 'ETH' ? 18 : 6;
    return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0'));
  };

  it('refuses bad input as problem+json, before any CSV, and never reads `export` as a claim id', async () => {
    for (const path of ['/v1/claims/export', '/v1/ledger/journals/export']) {
      const none = await http(t.app, 'GET', path, undefined, { auth: null });
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      for (const [query, field] of [
        ['from=yesterday', 'from'],
        ['to=2025-01-31T12:00:00', 'to'], // no offset
        ['from=2025-02-30', 'from'], // no such day
        ['from=2025-02-01&to=2025-01-01', 'to'],
        ['program=p1', 'program'], // not a program id: refused, never silently ignored
      ] as const) {
        const r = await http(t.app, 'GET', `${path}?${query}`, undefined, { auth: 'admin' });
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(r.body.errors).toEqual([expect.objectContaining({ field })]);
      }
    }
    // a key without `ledger:read` may export its claims but not the ledger
    expect((await http(t.app, 'GET', '/v1/ledger/journals/export', undefined, { auth: READER })).status).toBe(403);
    const empty = await exportCsv(t.app.url, '/v1/claims/export', READER, CLAIM_HEADER);
    expect(empty.rows).toEqual([]);
  });

  it('exports every paid claim once: amounts, gas shares per payout and in total, reasons, visibility and ranges', async () => {
    const { app, world } = t;
    const bulk = await http(app, 'POST', '/v1/claims/batch', { claims: usdc });
    expect(bulk.status).toBe(200);
    expect(bulk.body.items.map((i: { status: number }) => i.status)).toEqual(usdc.map(() => 201));
    const ethIds: string[] = [];
    for (const c of eth) {
      const r = await http(app, 'POST', '/v1/claims', c);
      expect(r.status).toBe(201);
      ethIds.push(r.body.id);
    }
    for (const c of others) expect((await http(app, 'POST', '/v1/claims', c, { auth: OTHER })).status).toBe(201);
    const total = usdc.length + eth.length + others.length;
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`))[0].n === total,
      180_000,
      `${total} claims completed`,
      500,
    );
    // the books are settled: every mined payout has booked its gas
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE status NOT IN ('confirmed', 'final')`))[0].n === 0,
      60_000,
      'every payout settled',
    );

    // --- the admin's export: every claim, once
    const { res, rows } = await exportCsv(app.url, '/v1/claims/export', ADMIN_TOKEN, CLAIM_HEADER);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="claims.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const db = await sql(world, `SELECT id FROM claims ORDER BY created_at, id`);
    expect(rows.map((r) => r.id)).toEqual(db.map((r) => r.id)); // oldest first, each once
    const all = [...usdc, ...eth, ...others];
    for (const r of rows) {
      const c = all.find((x) => x.wallet === r.wallet)!;
      expect(r).toMatchObject({ token: c.token, amount: c.amount, amountBase: String(base(c)), program: '', status: 'completed' });
      expect(r.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(r.blockNumber).toMatch(/^[1-9]\d*$/);
      expect(r.gasShare).toMatch(/^[1-9]\d*$/);
      expect(new Date(r.createdAt!).toISOString()).toBe(r.createdAt);
      expect(new Date(r.processedAt!).toISOString()).toBe(r.processedAt);
    }

    // a reason with a comma, quotes, CRLF and LF round-trips; one that starts like a formula is defused
    expect(rows.find((r) => r.wallet === usdc[0]!.wallet)!.reason).toBe(TRICKY);
    expect(rows.find((r) => r.wallet === usdc[1]!.wallet)!.reason).toBe(`'${usdc[1]!.reason}`);
    for (const c of [...usdc.slice(2), ...eth]) expect(rows.find((r) => r.wallet === c.wallet)!.reason).toBe(c.reason);

    // amounts: per token, the rows sum to what was paid, and to the treasury's side of the settlements
    const journals = (await exportCsv(app.url, '/v1/ledger/journals/export', ADMIN_TOKEN, JOURNAL_HEADER)).rows;
    for (const token of ['USDC', 'ETH']) {
      const paid = sum(rows.filter((r) => r.token === token).map((r) => r.amountBase!));
      expect(paid).toBe(all.filter((c) => c.token === token).reduce((s, c) => s + base(c), 0n));
      const settled = journals.filter((j) => j.kind === 'payout.settled' && j.account === `treasury:${token}`);
      expect(-sum(settled.map((j) => j.amount!))).toBe(paid);
    }

    // gas: each payout's shares sum exactly to its gas; a batch carried several claims
    const payouts = await sql(
      world,
      `SELECT id, kind, mined_tx_hash AS hash, (gas_used * effective_gas_price)::text AS gas, cardinality(claim_ids)::int AS n FROM payouts`,
    );
    const carrying = payouts.filter((p) => p.kind !== 'approve');
    expect(carrying.some((p) => p.kind === 'batch' && p.n > 1)).toBe(true);
    for (const p of carrying) {
      const mine = rows.filter((r) => r.txHash === p.hash);
      expect(mine).toHaveLength(p.n);
      expect(sum(mine.map((r) => r.gasShare!))).toBe(BigInt(p.gas));
      const shares = mine.map((r) => BigInt(r.gasShare!));
      expect(shares.every((s) => s === BigInt(p.gas) / BigInt(p.n) || s === BigInt(p.gas) / BigInt(p.n) + 1n)).toBe(true);
    }
    // and over all claims, to the ledger's gas journals of the payouts that carry claims (approvals carry none)
    const approvals = new Set(payouts.filter((p) => p.kind === 'approve').map((p) => p.id));
    const gasJournals = journals.filter((j) => j.kind === 'payout.gas' && j.account === 'expense:gas:ETH');
    expect(gasJournals.length).toBe(payouts.length);
    expect(sum(rows.map((r) => r.gasShare!))).toBe(sum(gasJournals.filter((j) => !approvals.has(j.ref!)).map((j) => j.amount!)));

    // --- visibility: each key exports exactly the claims GET /v1/claims shows it
    const mine = (await exportCsv(app.url, '/v1/claims/export', API_KEY, CLAIM_HEADER)).rows;
    expect(new Set(mine.map((r) => r.wallet))).toEqual(new Set([...usdc, ...eth].map((c) => c.wallet)));
    const theirs = (await exportCsv(app.url, '/v1/claims/export', OTHER, CLAIM_HEADER)).rows;
    expect(theirs.map((r) => r.wallet).sort()).toEqual(others.map((c) => c.wallet).sort());

    // --- from (inclusive) / to (exclusive) on createdAt, at the database's precision
    const [bounds] = await sql(
      world,
      `SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "from",
              to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "to"
         FROM claims WHERE id = ANY($1::uuid[])`,
      [ethIds],
    );
    const ranged = (await exportCsv(app.url, `/v1/claims/export?from=${bounds.from}&to=${bounds.to}`, ADMIN_TOKEN, CLAIM_HEADER)).rows;
    const expected = await sql(world, `SELECT id FROM claims WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id`, [bounds.from, bounds.to]);
    expect(ranged.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(ranged.map((r) => r.id)).toEqual(ethIds.slice(0, 3)); // the first three ETH claims; the fourth is at `to`
    const before = (await exportCsv(app.url, `/v1/claims/export?to=${encodeURIComponent(bounds.from)}`, ADMIN_TOKEN, CLAIM_HEADER)).rows;
    expect(before).toHaveLength(usdc.length); // the bulk intake came first

    // --- the journals export: one row per posting, zero per journal and currency, as the trial balance says
    const [counts] = await sql(world, `SELECT count(*)::int AS n FROM ledger_postings`);
    expect(journals).toHaveLength(counts.n);
    const byJournal = new Map<string, bigint>();
    for (const j of journals) byJournal.set(`${j.journalId}|${j.currency}`, (byJournal.get(`${j.journalId}|${j.currency}`) ?? 0n) + BigInt(j.amount!));
    expect([...byJournal.values()].every((v) => v === 0n)).toBe(true);
    const tb = await http(app, 'GET', '/v1/ledger/trial-balance', undefined, { auth: 'admin' });
    const currencies: Record<string, string> = {};
    for (const c of Object.keys(tb.body.currencies)) currencies[c] = sum(journals.filter((j) => j.currency === c).map((j) => j.amount!)).toString();
    expect(currencies).toEqual(tb.body.currencies);
    expect(tb.body.balanced).toBe(true);
    expect(new Set(journals.map((j) => j.currency))).toEqual(new Set(Object.keys(tb.body.currencies)));
    const ranges = journals.map((j) => j.createdAt!);
    expect([...ranges].sort()).toEqual(ranges); // oldest first
  });

  it('streams 20,000 rows in keyset pages: the last row is read after the first bytes were sent, every row exactly once', async () => {
    const { app, world } = t;
    // 20,000 finished claims of January 2020 (no worker touches them), three per millisecond: the keyset must
    // break created_at ties by id across page boundaries (pages of 1,000)
    await sql(
      world,
      `INSERT INTO claims (idempo_key, wallet, token, amount_base, decimals, reason, client, status, processed_at, created_at)
       SELECT 'stream:' || g, '0x' || lpad(to_hex(g), 40, '0'), 'USDC', g, 6, 'stream:' || g || ':' || repeat('x', 150), 'stream',
              'completed', '2020-01-02T00:00:00Z', '2020-01-01T00:00:00Z'::timestamptz + (g / 3) * interval '1 millisecond'
         FROM generate_series(1, 20000) AS g`,
    );
    const ids = (await sql(world, `SELECT id FROM claims WHERE client = 'stream' ORDER BY created_at, id`)).map((r) => r.id as string);
    const last = ids[ids.length - 1]!;

    const pg = new Client({ connectionString: world.databaseUrl });
    await pg.connect();
    try {
      const res = await fetch(`${app.url}/v1/claims/export?from=2020-01-01&to=2020-01-02`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      expect(first.done).toBe(false);
      let text = decoder.decode(first.value!, { stream: true });
      expect(text.startsWith(CLAIM_HEADER.join(',') + '\r\n')).toBe(true);
      // the first bytes are here; the last row (page 20) must not have been read yet: change it now
      await pg.query(`UPDATE claims SET reason = 'changed after the first bytes' WHERE id = $1`, [last]);
      let chunks = 1;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks++;
        text += decoder.decode(value, { stream: true });
      }
      text += decoder.decode();
      const [, ...records] = parseCsv(text);
      expect(records.map((r) => r[0])).toEqual(ids); // every row once, in keyset order, across ties and pages
      expect(records[records.length - 1]![5]).toBe('changed after the first bytes');
      for (const r of records.slice(0, -1)) expect(r[5]).toMatch(/^stream:\d+:x{150}$/);
      expect(chunks).toBeGreaterThan(1);
      // eslint-disable-next-line no-console
      console.log(`20,000-row export: ${(text.length / 1024 / 1024).toFixed(1)} MiB in ${chunks} chunks`);
    } finally {
      await pg.end();
    }
  });
});
