import { randomBytes } from 'node:crypto';
import { API_KEY, http, HttpResult, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';

/**
 * Issue 13, "Bulk intake" (API.md "Bulk intake", "Reserved reasons", "Rate limits", "Idempotency-Key"):
 * POST /v1/claims/batch answers each of 1,000 items as POST /v1/claims would, in request order: 201 new, 200
 * existing (of this key, or an earlier duplicate item of the same request), 400 invalid (bad amount, unknown
 * token, reserved `cycle:` reason, bad wallet, unknown field), 409 another key's entitlement, 429 a wallet over
 * RL_CLAIMS_PER_HOUR_WALLET (counted per item into the same budget as single posts). One claim, one
 * `claim.created` journal and one first audit event per new claim, with chain and key; the books balance. The
 * same request again creates nothing and answers 200 per existing item; with its Idempotency-Key it is a replay.
 * Envelope errors (1,001 items, a body that is not `{claims: [objects]}`) are 400s and create nothing; a key
 * without `claims:write` and the admin token are 403s. With workers on, a batch is paid once on chain.
 */
const WALLET_LIMIT = 3;
const OTHER = 'other-secret-00001';
const READER = 'reader-secret-0003';
const API_KEYS = [`e2e:${API_KEY}`, `other:${OTHER}`, `reader:${READER}:claims:read`].join(',');

type Item = { wallet: string; token: string; amount: string; reason: string } & Record<string, unknown>;
type Expect =
  | { kind: 'new'; key: string }
  | { kind: 'limited'; key: string }
  | { kind: 'existing'; id: string }
  | { kind: 'other' }
  | { kind: 'invalid'; field: string };

/** A deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffle<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const entitlementKey = (i: Item) => `${i.wallet.toLowerCase()}|${i.token}|${i.amount}|${i.reason}`;

async function counts(world: Parameters<typeof sql>[0]) {
  const [row] = await sql(
    world,
    `SELECT (SELECT count(*)::int FROM claims) AS claims,
            (SELECT count(*)::int FROM ledger_journals WHERE kind = 'claim.created') AS journals,
            (SELECT count(*)::int FROM ledger_postings) AS postings,
            (SELECT count(*)::int FROM claim_events) AS events`,
  );
  return row as { claims: number; journals: number; postings: number; events: number };
}

describe('bulk intake: per-item answers, idempotent items and requests', () => {
  const t = useWorld({
    ROLE: 'api', // no processors: claims stay pending, the counts are exact
    API_KEYS,
    RL_CLAIMS_PER_HOUR_WALLET: String(WALLET_LIMIT),
    RL_PER_MIN_KEY: '100000',
    RL_PER_MIN_IP: '100000',
  });

  it('1,000 items with duplicates, existing, invalid and over-limit items: exact per-item answers, one claim and journal each, and a retry creates nothing', async () => {
    const { app, world } = t;
    const items: { item: Item; expect: Expect }[] = [];
    const single = async (item: Item, auth: string) => {
      const r = await http(app, 'POST', '/v1/claims', item, { auth });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };

    // 920 new entitlements: 450 wallets with 2 each and 20 with 1 (all under the wallet limit)
    const news: Item[] = [];
    for (let w = 0; w < 470; w++) {
      const wallet = freshWallet();
      for (let k = 0; k < (w < 450 ? 2 : 1); k++) news.push({ wallet, token: w % 10 === 0 ? 'ETH' : 'USDC', amount: w % 10 === 0 ? '0.0001' : '0.25', reason: `bulk:${w}:${k}` });
    }
    for (const item of news) items.push({ item, expect: { kind: 'new', key: entitlementKey(item) } });
    // 30 duplicates of them inside the request, the wallet in lower case (the same entitlement)
    for (const item of news.slice(0, 30)) {
      const dup = { ...item, wallet: item.wallet.toLowerCase() };
      items.push({ item: dup, expect: { kind: 'new', key: entitlementKey(dup) } });
    }
    // 20 entitlements this key already claimed, 5 another key did
    for (let n = 0; n < 20; n++) {
      const item = { wallet: freshWallet(), token: 'USDC', amount: '1', reason: `pre:${n}` };
      items.push({ item, expect: { kind: 'existing', id: await single(item, API_KEY) } });
    }
    for (let n = 0; n < 5; n++) {
      const item = { wallet: freshWallet(), token: 'USDC', amount: '1', reason: `theirs:${n}` };
      await single(item, OTHER);
      items.push({ item, expect: { kind: 'other' } });
    }
    // one wallet over its limit: 1 single claim already counted, then 4 new items: 2 fit, 2 are 429
    const limited = freshWallet();
    const pre = { wallet: limited, token: 'USDC', amount: '0.5', reason: 'limited:pre' };
    items.push({ item: pre, expect: { kind: 'existing', id: await single(pre, API_KEY) } });
    for (let n = 0; n < 4; n++) {
      const item = { wallet: limited, token: 'USDC', amount: '0.5', reason: `limited:${n}` };
      items.push({ item, expect: { kind: 'limited', key: entitlementKey(item) } });
    }
    // 20 invalid items
    const w = () => freshWallet();
    const invalid: [Item, string][] = [
      [{ wallet: w(), token: 'USDC', amount: '0', reason: 'bad:1' }, 'amount'],
      [{ wallet: w(), token: 'USDC', amount: '1.1234567', reason: 'bad:2' }, 'amount'],
      [{ wallet: w(), token: 'USDC', amount: '-1', reason: 'bad:3' }, 'amount'],
      [{ wallet: w(), token: 'USDC', amount: '1e3', reason: 'bad:4' }, 'amount'],
      [{ wallet: w(), token: 'USDC', amount: 1 as unknown as string, reason: 'bad:5' }, 'amount'],
      [{ wallet: w(), token: 'DOGE', amount: '1', reason: 'bad:6' }, 'token'],
      [{ wallet: w(), token: 'NOPE', amount: '1', reason: 'bad:7' }, 'token'],
      [{ wallet: w(), token: 'USDC', amount: '1', reason: 'cycle:someone:1' }, 'reason'],
      [{ wallet: w(), token: 'USDC', amount: '1', reason: 'CYCLE:x' }, 'reason'],
      [{ wallet: w(), token: 'USDC', amount: '1', reason: '' }, 'reason'],
      [{ wallet: w(), token: 'USDC', amount: '1', reason: 'x'.repeat(201) }, 'reason'],
      [{ wallet: '0x123', token: 'USDC', amount: '1', reason: 'bad:12' }, 'wallet'],
      [{ wallet: 'not-a-wallet', token: 'USDC', amount: '1', reason: 'bad:13' }, 'wallet'],
      [{ wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79c8', token: 'USDC', amount: '1', reason: 'bad:14' }, 'wallet'], // bad checksum
      [{ wallet: w(), token: 'USDC', amount: '1', reason: 'bad:15', program: 'x' }, 'program'],
      [{ wallet: w(), token: 'USDC', amount: '1', reason: 'bad:16', nonce: '1' }, 'nonce'],
      [{ wallet: w(), token: 'USDC', reason: 'bad:17' } as Item, 'amount'],
      [{ wallet: w(), amount: '1', reason: 'bad:18' } as Item, 'token'],
      [{ token: 'USDC', amount: '1', reason: 'bad:19' } as Item, 'wallet'],
      [{ wallet: w(), token: 'USDC', amount: '1' } as Item, 'reason'],
    ];
    for (const [item, field] of invalid) items.push({ item, expect: { kind: 'invalid', field } });
    expect(items).toHaveLength(1000);

    const order = shuffle(items, 13);
    const body = { claims: order.map((x) => x.item) };
    expect(JSON.stringify(body).length).toBeGreaterThan(64 * 1024); // over the other routes' body limit
    const before = await counts(world);
    expect(before).toEqual({ claims: 26, journals: 26, postings: expect.any(Number), events: 26 }); // postings: also the boot's funding sync

    const started = Date.now();
    const res = await http(app, 'POST', '/v1/claims/batch', body, { headers: { 'idempotency-key': 'bulk-1000' } });
    const elapsed = Date.now() - started;
    // eslint-disable-next-line no-console
    console.log(`POST /v1/claims/batch with 1,000 items (922 new): ${elapsed} ms (${Math.round(922 / (elapsed / 1000))} new claims/s)`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-idempotency')).toBe('MISS');
    expect(res.body.items).toHaveLength(1000);

    // the exact answer for each item, walking the request in order
    const firstOf = new Map<string, number>(); // entitlement -> index of the item that created it
    let limitedSeen = 0;
    const statuses = { 200: 0, 201: 0, 400: 0, 409: 0, 429: 0 } as Record<number, number>;
    order.forEach(({ item, expect: e }, i) => {
      const got = res.body.items[i];
      expect(got.index).toBe(i);
      statuses[got.status] = (statuses[got.status] ?? 0) + 1;
      const where = `item ${i} (${e.kind})`;
      switch (e.kind) {
        case 'new':
        case 'limited': {
          const first = firstOf.get(e.key);
          if (e.kind === 'limited' && first === undefined && ++limitedSeen > WALLET_LIMIT - 1) {
            expect([where, got.status, got.problem?.code, got.claim]).toEqual([where, 429, 'RATE_LIMIT.EXCEEDED', undefined]);
            expect(got.problem.status).toBe(429);
            break;
          }
          if (first === undefined) {
            firstOf.set(e.key, i);
            expect([where, got.status, got.claim.status, got.claim.client, got.claim.reason, got.claim.wallet]).toEqual([
              where, 201, 'pending', 'e2e', item.reason, item.wallet.toLowerCase() === item.wallet ? expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) : item.wallet,
            ]);
          } else {
            expect([where, got.status, got.claim.id]).toEqual([where, 200, res.body.items[first].claim.id]);
          }
          break;
        }
        case 'existing':
          expect([where, got.status, got.claim?.id]).toEqual([where, 200, e.id]);
          break;
        case 'other':
          expect([where, got.status, got.problem?.code, got.claim]).toEqual([where, 409, 'CLAIM.CLAIMED_BY_ANOTHER_CLIENT', undefined]);
          break;
        case 'invalid':
          expect([where, got.status, got.problem?.status, got.claim]).toEqual([where, 400, 400, undefined]);
          expect(got.problem.errors.map((x: { field: string }) => x.field)).toContain(e.field);
          break;
      }
    });
    expect(statuses).toEqual({ 200: 51, 201: 922, 400: 20, 409: 5, 429: 2 });
    // a 409 does not show the other key's claim
    expect(JSON.stringify(res.body)).not.toContain('"client":"other"');

    // one claim, one claim.created journal (balanced, payable credited) and one first audit event per new claim
    const created: string[] = res.body.items.filter((x: { status: number }) => x.status === 201).map((x: { claim: { id: string } }) => x.claim.id);
    expect(new Set(created).size).toBe(922);
    expect(await counts(world)).toEqual({ claims: 26 + 922, journals: 26 + 922, postings: before.postings + 2 * 922, events: 26 + 922 });
    const rows = await sql(
      world,
      `SELECT c.client, c.chain_id, count(DISTINCT j.id)::int AS journals, count(DISTINCT e.id)::int AS events,
              sum(p.amount) FILTER (WHERE p.account LIKE 'payable:%')::text AS payable
         FROM claims c JOIN ledger_journals j ON j.id = 'claim:' || c.id AND j.kind = 'claim.created' AND j.ref = c.id::text
         JOIN ledger_postings p ON p.journal_id = j.id
         JOIN claim_events e ON e.claim_id = c.id AND e.from_status IS NULL AND e.to_status = 'pending' AND e.actor = 'api:e2e'
        WHERE c.id = ANY($1::uuid[]) GROUP BY c.id, c.client, c.chain_id`,
      [created],
    );
    expect(rows).toHaveLength(922);
    expect(rows.every((r) => r.client === 'e2e' && r.chain_id === 31337 && r.journals === 1 && r.events === 1)).toBe(true);
    const sums = await sql(world, `SELECT currency, sum(amount)::text AS s FROM ledger_postings GROUP BY currency`);
    expect(sums.every((s) => s.s === '0')).toBe(true);
    const tb = await http(app, 'GET', '/v1/ledger/trial-balance');
    expect(tb.body.balanced).toBe(true);
    const payable = await sql(world, `SELECT sum(amount)::text AS s FROM ledger_postings WHERE account LIKE 'payable:%' AND currency = 'USDC'`);
    const usdcNew = order.filter((x, i) => res.body.items[i].status === 201 && x.item.token === 'USDC').length;
    // 826 new USDC items of 0.25 (and 2 of the limited wallet's at 0.5), plus the 26 single claims
    expect(BigInt(payable[0].s)).toBe(-(BigInt(usdcNew - 2) * 250_000n + 2n * 500_000n + 25n * 1_000_000n + 500_000n));

    // the same request with its Idempotency-Key: the stored answer, byte for byte, and nothing new anywhere
    const replay = await http(app, 'POST', '/v1/claims/batch', body, { headers: { 'idempotency-key': 'bulk-1000' } });
    expect([replay.status, replay.headers.get('x-idempotency'), replay.headers.get('idempotent-replayed')]).toEqual([200, 'HIT', 'true']);
    expect(replay.body).toEqual(res.body);
    expect(await counts(world)).toEqual({ claims: 948, journals: 948, postings: before.postings + 1844, events: 948 });

    // the same request without a key: nothing created, every claim answered 200 (the over-limit items stay 429)
    const again = await http(app, 'POST', '/v1/claims/batch', body);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-idempotency')).toBeNull();
    again.body.items.forEach((got: { index: number; status: number; claim?: { id: string } }, i: number) => {
      const first = res.body.items[i];
      const want = first.status === 201 ? 200 : first.status;
      expect([i, got.index, got.status, got.claim?.id]).toEqual([i, i, want, first.claim?.id]);
    });
    expect(await counts(world)).toEqual({ claims: 948, journals: 948, postings: before.postings + 1844, events: 948 });
  }, 180_000);

  it('three overlapping 1,000-item batches at once, in opposite orders: one claim and one journal per entitlement, no 5xx', async () => {
    const { app, world } = t;
    const before = await counts(world);
    const claims = Array.from({ length: 1000 }, (_, n) => ({ wallet: freshWallet(), token: 'USDC', amount: '0.01', reason: `race:${n}` }));
    const bodies = [claims, [...claims].reverse(), shuffle(claims, 7)];
    const results = await Promise.all(bodies.map((c) => http(app, 'POST', '/v1/claims/batch', { claims: c })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const byReason = new Map<string, { ids: Set<string>; created: number }>();
    for (const r of results) {
      for (const item of r.body.items as { status: number; claim: { id: string; reason: string } }[]) {
        expect([200, 201]).toContain(item.status);
        const e = byReason.get(item.claim.reason) ?? { ids: new Set(), created: 0 };
        e.ids.add(item.claim.id);
        if (item.status === 201) e.created++;
        byReason.set(item.claim.reason, e);
      }
    }
    expect(byReason.size).toBe(1000);
    // each entitlement: the same claim in every answer, created (201) by exactly one of the requests
    expect([...byReason.values()].filter((e) => e.ids.size !== 1 || e.created !== 1)).toEqual([]);
    const after = await counts(world);
    expect(after).toEqual({ claims: before.claims + 1000, journals: before.journals + 1000, postings: before.postings + 2000, events: before.events + 1000 });
  }, 120_000);

  it('a body that is not {claims: [1..1000 objects]} is a 400 problem and creates nothing', async () => {
    const { app, world } = t;
    const before = await counts(world);
    const item = () => ({ wallet: '0x' + randomBytes(20).toString('hex'), token: 'USDC', amount: '0.1', reason: 'env' });
    const bodies: [string, unknown][] = [
      ['1,001 items', { claims: Array.from({ length: 1001 }, item) }],
      ['no items', { claims: [] }],
      ['an array body', [item()]],
      ['a string body', 'claims'],
      ['null', null],
      ['no claims', {}],
      ['claims not an array', { claims: item() }],
      ['non-object items', { claims: [item(), 1, 'x', null, [item()]] }],
      ['an unknown envelope field', { claims: [item()], dryRun: true }],
    ];
    for (const [what, body] of bodies) {
      const r: HttpResult = await http(app, 'POST', '/v1/claims/batch', body);
      expect([what, r.status, r.headers.get('content-type')]).toEqual([what, 400, expect.stringMatching(/^application\/problem\+json/)]);
      expect([what, typeof r.body.detail, Array.isArray(r.body.errors)]).toEqual([what, 'string', true]);
    }
    const bad = await http(app, 'POST', '/v1/claims/batch', '{"claims": [', { raw: '{"claims": [' });
    expect(bad.status).toBe(400);
    // the route's own body limit is 1 MiB (the other routes keep 64 KiB): over it, a 413 problem
    const huge = await http(app, 'POST', '/v1/claims/batch', { claims: Array.from({ length: 1000 }, () => ({ ...item(), reason: 'r'.repeat(1100) })) });
    expect([huge.status, huge.headers.get('content-type')]).toEqual([413, expect.stringMatching(/^application\/problem\+json/)]);
    expect(await counts(world)).toEqual(before);
  });

  it('a key without claims:write and the admin token get a 403 and create nothing', async () => {
    const { app, world } = t;
    const before = await counts(world);
    const body = { claims: [{ wallet: freshWallet(), token: 'USDC', amount: '0.1', reason: 'scoped' }] };
    const reader = await http(app, 'POST', '/v1/claims/batch', body, { auth: READER });
    expect([reader.status, reader.body.code]).toEqual([403, 'AUTH.SCOPE_MISSING']);
    const admin = await http(app, 'POST', '/v1/claims/batch', body, { auth: 'admin' });
    expect([admin.status, admin.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
    expect((await http(app, 'POST', '/v1/claims/batch', body, { auth: null })).status).toBe(401);
    expect(await counts(world)).toEqual(before);
  });
});

describe('bulk intake with workers on: a batch is paid once on chain', () => {
  const t = useWorld({ RL_PER_MIN_IP: '100000' }, { provider: true });

  it('pays each new claim of a batch exactly once (a duplicate item is not paid twice)', async () => {
    const { app, world, provider } = t;
    const claims = [
      { wallet: freshWallet(), token: 'USDC', amount: '1.5', reason: 'bulk-paid:1' },
      { wallet: freshWallet(), token: 'ETH', amount: '0.001', reason: 'bulk-paid:2' },
      { wallet: freshWallet(), token: 'USDC', amount: '0.25', reason: 'bulk-paid:3' },
    ];
    const res = await http(app, 'POST', '/v1/claims/batch', { claims: [...claims, claims[0]] });
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: { status: number }) => x.status)).toEqual([201, 201, 201, 200]);
    const ids: string[] = res.body.items.slice(0, 3).map((x: { claim: { id: string } }) => x.claim.id);
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1::uuid[]) AND status = 'completed'`, [ids]))[0].n === 3,
      60_000,
      'the batch paid',
    );
    await expectPaidExactlyOnce(world, app, provider, [
      { wallet: claims[0]!.wallet, token: 'USDC', base: 1_500_000n },
      { wallet: claims[1]!.wallet, token: 'ETH', base: 1_000_000_000_000_000n },
      { wallet: claims[2]!.wallet, token: 'USDC', base: 250_000n },
    ]);
  }, 120_000);
});
