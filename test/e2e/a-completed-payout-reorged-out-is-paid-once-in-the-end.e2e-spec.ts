import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';
import { onPrivateChain, PrivateChain, startPrivateChain } from '../helpers/private-chain';

/**
 * Issue 11, finding 3 (API.md "Finality"): a reorg DEEPER than CONFIRMATIONS. The payouts are settled
 * (claims `completed`, settlement journals posted) when evm_revert rewinds the chain past their blocks. The
 * finality watch sees their blocks gone, takes each settlement back with new journals, moves the claims back
 * to `submitted` with a `reorged` audit event and re-sends the stored transactions (same hashes, no new
 * nonce); they settle again and every claim is paid exactly once, the books balanced and `treasury:*` equal
 * to the chain. On a private dev chain, so no other test file is rewound.
 */
describe('a completed payout reorged out is paid once in the end', () => {
  let world: World;
  let app: TestApp;
  let provider: JsonRpcProvider;
  let chain: PrivateChain;

  beforeAll(async () => {
    chain = await startPrivateChain();
    provider = chain.provider;
    world = onPrivateChain(newWorld(), chain);
    // settled one block deep; final only 60 blocks (30 s) deep: the reorg comes in between
    app = await bootApp(world, { CONFIRMATIONS: '1', FINALITY_DEPTH: '60', CONFIRM_POLL_MS: '200' });
  });
  afterAll(async () => {
    await app?.close();
    await chain?.stop();
  });

  it('reverses the settlement, re-sends the stored transactions and settles each claim once', async () => {
    const snapshot: string = await provider.send('evm_snapshot', []);
    const entitlements: Entitlement[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const wallet = freshWallet();
      const token = i % 2 ? 'USDC' : 'ETH';
      const r = await http(app, 'POST', '/v1/claims', { wallet, token, amount: '0.25', reason: `deep-reorg:${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
      entitlements.push({ wallet, token, base: token === 'ETH' ? 25n * 10n ** 16n : 250_000n });
    }
    const completed = async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n;
    await waitFor(async () => (await completed()) === 4, 30_000, 'all 4 claims completed');
    const before = await sql(world, `SELECT id, mined_tx_hash, block_number::int AS block, status FROM payouts ORDER BY id`);
    // one payout per claim, or fewer when claims met in a batch (then with the lane's approval): all settled, none final yet
    const n = before.length;
    const carrying = (await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE cardinality(claim_ids) > 0`))[0].n;
    expect(before.map((p) => p.status)).toEqual(Array(n).fill('confirmed'));
    expect((await sql(world, `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'payout.settled'`))[0].n).toBe(carrying);

    expect(await provider.send('evm_revert', [snapshot])).toBe(true); // the chain forgets the 4 payouts
    const gone = await Promise.all(before.map((p) => provider.getTransactionReceipt(p.mined_tx_hash)));
    expect(gone.every((r) => r === null)).toBe(true);

    // each claim went back to submitted, with the reorg in its audit trail
    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claim_events WHERE claim_id = ANY($1) AND detail->>'event' = 'reorged'`, [ids]))[0].n === 4,
      30_000,
      'a reorged event for each claim',
    );
    for (const id of ids) {
      const events = (await http(app, 'GET', `/v1/claims/${id}/events`)).body as { from: string; to: string; detail: Record<string, unknown> }[];
      const reorged = events.find((e) => e.detail.event === 'reorged');
      expect(reorged).toMatchObject({ from: 'completed', to: 'submitted' });
    }
    // ... and completed again once its stored transaction was mined anew
    await waitFor(async () => (await completed()) === 4, 60_000, 'all 4 claims completed again');

    const after = await sql(world, `SELECT id, tx_hashes, mined_tx_hash, reorgs, status FROM payouts ORDER BY id`);
    expect(after).toHaveLength(n); // no new payout, no new nonce
    for (const [i, p] of after.entries()) {
      expect(p.reorgs).toBe(1);
      expect(p.mined_tx_hash).toBe(before[i]!.mined_tx_hash); // the same stored bytes, re-sent
      expect(p.tx_hashes).toEqual([p.mined_tx_hash]);
      expect(['confirmed', 'final']).toContain(p.status);
    }
    const kinds = await sql(world, `SELECT kind, count(*)::int AS n FROM ledger_journals WHERE kind LIKE 'payout.%' GROUP BY kind ORDER BY kind`);
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toEqual({ 'payout.gas': 2 * n, 'payout.reorged': n, 'payout.settled': 2 * carrying });
    await expectPaidExactlyOnce(world, app, provider, entitlements);
  });
});
