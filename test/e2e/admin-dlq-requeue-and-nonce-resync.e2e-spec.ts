import { JsonRpcProvider } from 'ethers';
import { ADMIN_TOKEN, API_KEY, bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { expectPaidExactlyOnce } from '../helpers/assertions';
import { chainProvider, freshWallet } from '../helpers/chain';
import { RpcProxy } from '../chaos/rpc-proxy';

/**
 * Issue 3's admin surface: exhausted jobs land in the dead-letter queue with their reason and are retried
 * through the admin API; requeue refuses what could pay twice; nonce resync refuses while payouts are in
 * flight. Through the fault-injecting proxy, so the failures are real RPC failures.
 */
describe('admin: DLQ, requeue and nonce resync', () => {
  let world: World;
  let proxy: RpcProxy;
  let app: TestApp;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    world = newWorld();
    proxy = new RpcProxy(world.rpcUrl);
    const url = await proxy.start();
    app = await bootApp(world, { CHAIN_RPC_URL: url, PAY_CLAIM_ATTEMPTS: '2', PAY_CLAIM_BACKOFF_MS: '100', STUCK_AFTER_BLOCKS: '1000', RPC_TIMEOUT_MS: '1500' });
    provider = chainProvider(world);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    provider?.destroy();
  });

  it('needs the admin token: 401 without, 403 with an API key', async () => {
    expect((await http(app, 'GET', '/v1/admin/dlq', undefined, { auth: null })).status).toBe(401);
    const forbidden = await http(app, 'GET', '/v1/admin/dlq', undefined, { auth: API_KEY });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await http(app, 'GET', '/v1/admin/dlq', undefined, { headers: { 'x-admin-token': ADMIN_TOKEN }, auth: null })).status).toBe(200);
  });

  it('dead-letters a claim whose attempts are exhausted, keeps it out of the sweeper, and retries it on request', async () => {
    proxy.failEvery('eth_getBlockByNumber', 1, 503); // fee reads fail: the job cannot even prepare
    const created = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.07', reason: 'dlq:1' });
    const id = created.body.id;
    const dead = await waitFor(
      async () => {
        const r = await http(app, 'GET', '/v1/admin/dlq', undefined, { auth: 'admin' });
        return r.body.find((d: { claimId: string }) => d.claimId === id);
      },
      30_000,
      'the claim in the DLQ',
    );
    expect(dead).toEqual(expect.objectContaining({ jobId: id, claimId: id, attemptsMade: 2, reason: expect.stringMatching(/.+/) }));
    proxy.clear();
    await new Promise((r) => setTimeout(r, 6000)); // a sweep passes: a dead-lettered claim is left to operators
    expect((await http(app, 'GET', `/v1/claims/${id}`)).body.status).toBe('pending');

    expect((await http(app, 'POST', '/v1/admin/dlq/nope/retry', undefined, { auth: 'admin' })).status).toBe(404);
    const retried = await http(app, 'POST', `/v1/admin/dlq/${id}/retry`, undefined, { auth: 'admin' });
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ jobId: id, claimId: id, action: 'enqueued' });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${id}`)).body.status === 'completed', 30_000, 'retried claim completed');
    expect((await http(app, 'GET', '/v1/admin/dlq', undefined, { auth: 'admin' })).body).toEqual([]);
  });

  it('requeue refuses a completed claim and a claim whose payout is mined; resync refuses while in flight', async () => {
    const done = (await sql(world, `SELECT id FROM claims WHERE status = 'completed' LIMIT 1`))[0].id;
    const refused = await http(app, 'POST', `/v1/admin/claims/${done}/requeue`, undefined, { auth: 'admin' });
    expect(refused.status).toBe(409);
    expect((await http(app, 'POST', `/v1/admin/claims/00000000-0000-4000-8000-000000000000/requeue`, undefined, { auth: 'admin' })).status).toBe(404);

    // a payout the node "has" and does not mine: in flight
    proxy.withholdNext(1, 6);
    const c = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '0.5', reason: 'inflight:1' });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c.body.id}`)).body.status === 'submitted', 20_000, 'claim submitted');
    const resync = await http(app, 'POST', `/v1/admin/signers/${world.treasury}/resync-nonce`, {}, { auth: 'admin' });
    expect(resync.status).toBe(409);
    expect(resync.body.detail).toMatch(/in flight/);
    expect((await http(app, 'POST', `/v1/admin/signers/0x${'12'.repeat(20)}/resync-nonce`, {}, { auth: 'admin' })).status).toBe(404);

    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c.body.id}`)).body.status === 'completed', 30_000, 'withheld claim completed after release');
    const ok = await http(app, 'POST', `/v1/admin/signers/${world.treasury}/resync-nonce`, {}, { auth: 'admin' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ address: world.treasury, previous: ok.body.next, next: await provider.getTransactionCount(world.treasury, 'pending'), inFlight: 0 });
    const metrics = String((await http(app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toMatch(new RegExp(`payrail_nonce_resyncs_total\\{signer="${world.treasury}"\\} 1`));
  });

  it('requeue of a submitted claim cancels its nonce with a self-transfer, then pays it once with a new payout', async () => {
    proxy.withholdNext(1, 1000); // the original never reaches the node
    const c = await http(app, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'ETH', amount: '0.123', reason: 'requeue:1' });
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c.body.id}`)).body.status === 'submitted', 20_000, 'claim submitted');
    const r = await http(app, 'POST', `/v1/admin/claims/${c.body.id}/requeue`, undefined, { auth: 'admin' });
    expect(r.status).toBe(202);
    expect(r.body.action).toBe('cancel-broadcast');
    await waitFor(async () => (await http(app, 'GET', `/v1/claims/${c.body.id}`)).body.status === 'completed', 40_000, 'requeued claim completed');
    const payouts = await sql(world, `SELECT status FROM payouts WHERE $1 = ANY(claim_ids) ORDER BY created_at`, [c.body.id]);
    expect(payouts.map((p) => p.status)).toEqual(['dropped', expect.stringMatching(/^(confirmed|final)$/)]);
    const cancel = await provider.getTransactionReceipt(r.body.cancelTxHash);
    expect(cancel?.status).toBe(1);
    const events = (await http(app, 'GET', `/v1/claims/${c.body.id}/events`)).body.map((e: { to: string; actor: string }) => `${e.to}:${e.actor.split(':')[0]}`);
    expect(events).toEqual(expect.arrayContaining(['submitted:admin', 'pending:worker', 'completed:worker']));
    const all = await sql(world, `SELECT wallet, token, amount_base::text AS base FROM claims WHERE status = 'completed'`);
    await expectPaidExactlyOnce(world, app, provider, all.map((a) => ({ wallet: a.wallet, token: a.token, base: BigInt(a.base) })));
  });
});
