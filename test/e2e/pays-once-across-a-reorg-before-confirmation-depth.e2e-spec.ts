import { JsonRpcProvider } from 'ethers';
import { bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { freshWallet } from '../helpers/chain';
import { onPrivateChain, PrivateChain, startPrivateChain } from '../helpers/private-chain';

/**
 * Issue 3, acceptance 7: a reorg made with the dev chain's evm_snapshot/evm_revert after the payouts were
 * mined but before CONFIRMATIONS depth: the mined transactions vanish, the watcher re-sends the stored raw
 * transactions (same hashes), and every claim is paid once with the ledger posted once. The reorg runs on
 * a private dev chain so no other test file is rewound.
 */
describe('pays once across a reorg before confirmation depth', () => {
  let world: World;
  let app: TestApp;
  let provider: JsonRpcProvider;
  let chain: PrivateChain;

  beforeAll(async () => {
    chain = await startPrivateChain();
    provider = chain.provider;
    world = onPrivateChain(newWorld(), chain);
    app = await bootApp(world, { CONFIRMATIONS: '6', CONFIRM_POLL_MS: '200' });
  });
  afterAll(async () => {
    await app?.close();
    await chain?.stop();
  });

  it('re-sends the reorged-out transactions and settles each claim once', async () => {
    const snapshot: string = await provider.send('evm_snapshot', []);
    const forkBlock = await provider.getBlockNumber();
    const entitlements: Entitlement[] = [];
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const wallet = freshWallet();
        const token = i % 2 ? 'USDC' : 'ETH';
        const r = await http(app, 'POST', '/v1/claims', { wallet, token, amount: '0.3', reason: `reorg:${i}` });
        ids.push(r.body.id);
        entitlements.push({ wallet, token, base: token === 'ETH' ? 3n * 10n ** 17n : 300_000n });
      }),
    );
    // every claim signed and every payout mined (one block deep or more) but none settled yet (6 confirmations
    // needed); claims that met in a batch share a payout (with the lane's approval before it)
    const mined = await waitFor(
      async () => {
        const [signed] = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'submitted'`, [ids]);
        if (signed.n < 6) return false;
        const rows = await sql<{ tx_hashes: string[] }>(world, `SELECT tx_hashes FROM payouts WHERE status = 'submitted'`);
        const receipts = await Promise.all(rows.map((r) => provider.getTransactionReceipt(r.tx_hashes[0]!)));
        return receipts.every(Boolean) && receipts;
      },
      30_000,
      'all 6 payouts mined',
      100,
    );
    const completedBefore = await sql(world, `SELECT count(*)::int AS n FROM claims WHERE status = 'completed'`);
    expect(completedBefore[0].n).toBe(0);
    expect(await provider.send('evm_revert', [snapshot])).toBe(true);
    const gone = await Promise.all(mined.map((r) => provider.getTransactionReceipt(r!.hash)));
    expect(gone.every((r) => r === null)).toBe(true); // the reorg removed them

    await waitFor(
      async () => (await sql(world, `SELECT count(*)::int AS n FROM claims WHERE id = ANY($1) AND status = 'completed'`, [ids]))[0].n === 6,
      60_000,
      'all claims completed after the reorg',
    );
    const payouts = await sql(world, `SELECT mined_tx_hash, tx_hashes, block_number::int AS block, broadcast_attempts FROM payouts`);
    expect(payouts).toHaveLength(mined.length); // no new payout, no new nonce
    for (const p of payouts) {
      expect(p.tx_hashes).toEqual([p.mined_tx_hash]); // the same transaction, re-sent
      expect(p.block).toBeGreaterThan(forkBlock);
      expect(p.broadcast_attempts).toBeGreaterThanOrEqual(2);
    }
    const journals = await sql(world, `SELECT count(*)::int AS n FROM ledger_journals WHERE kind = 'payout.settled'`);
    const carrying = await sql(world, `SELECT count(*)::int AS n FROM payouts WHERE cardinality(claim_ids) > 0`);
    expect(journals[0].n).toBe(carrying[0].n);
    await expectPaidExactlyOnce(world, app, provider, entitlements);
  });
});
