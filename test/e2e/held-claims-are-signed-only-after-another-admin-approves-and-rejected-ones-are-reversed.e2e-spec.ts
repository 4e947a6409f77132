import { http, sql, useWorld, waitFor } from '../helpers/app';
import { expectPaidExactlyOnce, Entitlement } from '../helpers/assertions';
import { balanceOf, freshWallet } from '../helpers/chain';
import { startWebhookReceiver, verifyDelivery, WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Issue 14, approvals (API.md "Treasury controls"): with APPROVAL_ABOVE=USDC:5 a claim above 5 USDC is `held`:
 * never leased or signed, while smaller ones pay. Named admins (ADMIN_TOKENS) approve (-> pending, then paid once)
 * or reject (-> cancelled, the entitlement journal reversed); both are idempotent and the admin's name is the
 * actor in the claim's trail; the admin who created a claim cannot approve it. `claim.held` goes out as a webhook.
 */
jest.setTimeout(120_000);

const ALICE = 'alice-admin-token-0123456789abcdef0123';
const BOB = 'bob-admin-token-0123456789abcdef0123456';

describe('approvals above APPROVAL_ABOVE', () => {
  const t = useWorld({ APPROVAL_ABOVE: 'USDC:5', ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}`, RL_PER_MIN_IP: '100000' }, { provider: true });
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver([], 200);
  });
  afterAll(async () => receiver?.close());

  const claim = async (amount: string, auth: string | undefined = undefined) => {
    const wallet = freshWallet();
    const r = await http(t.app, 'POST', '/v1/claims', { wallet, token: 'USDC', amount, reason: `approval:${amount}:${wallet}` }, auth ? { auth } : {});
    expect(r.status).toBe(201);
    return { id: r.body.id as string, wallet, status: r.body.status as string, lastError: r.body.lastError as string | null };
  };
  const status = async (id: string) => (await http(t.app, 'GET', `/v1/claims/${id}`, undefined, { auth: 'admin' })).body.status as string;
  const carried = async (id: string) => (await sql(t.world, `SELECT count(*)::int AS n FROM payouts WHERE $1 = ANY(claim_ids)`, [id]))[0].n as number;

  it('a held claim is never signed until another admin approves it; then it is paid once, with the approver in its trail', async () => {
    const ep = await http(t.app, 'POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['claim.held'] });
    expect(ep.status).toBe(201);

    const big = await claim('10');
    expect(big.status).toBe('held');
    expect(big.lastError).toMatch(/APPROVAL_ABOVE \(5 USDC\)/);
    const small = await claim('5'); // at the threshold: not above it
    expect(small.status).toBe('pending');
    await waitFor(async () => (await status(small.id)) === 'completed', 30_000, 'the small claim paid');
    await new Promise((r) => setTimeout(r, 2000)); // more blocks and sweeps: the held claim stays untouched
    expect(await status(big.id)).toBe('held');
    expect(await carried(big.id)).toBe(0);
    expect(await balanceOf(t.world, t.provider, 'USDC', big.wallet)).toBe(0n);

    // the outbound event, signed like every other
    const [delivery] = await receiver.waitForRequests(1, 15_000);
    const payload = verifyDelivery(ep.body.secret, delivery!) as { type: string; data: { id: string; status: string } };
    expect(payload).toMatchObject({ type: 'claim.held', data: { id: big.id, status: 'held' } });

    // an API key cannot approve; unknown and not-held claims are answered clearly
    expect((await http(t.app, 'POST', `/v1/admin/claims/${big.id}/approve`, {})).status).toBe(403);
    expect((await http(t.app, 'POST', `/v1/admin/claims/${small.id}/approve`, {}, { auth: BOB })).body.code).toBe('CLAIM.NOT_HELD');

    const approved = await Promise.all([1, 2, 3].map(() => http(t.app, 'POST', `/v1/admin/claims/${big.id}/approve`, {}, { auth: BOB })));
    expect(approved.map((r) => r.status)).toEqual([200, 200, 200]); // idempotent, also when concurrent
    await waitFor(async () => (await status(big.id)) === 'completed', 30_000, 'the approved claim paid');
    expect((await http(t.app, 'POST', `/v1/admin/claims/${big.id}/approve`, {}, { auth: BOB })).status).toBe(200);
    const trail = (await http(t.app, 'GET', `/v1/claims/${big.id}/events`)).body as { from: string | null; to: string; actor: string }[];
    expect(trail.filter((e) => e.from === 'held' && e.to === 'pending')).toEqual([expect.objectContaining({ actor: 'admin:bob' })]);
    expect(trail[0]).toMatchObject({ from: null, to: 'held' });

    const entitlements: Entitlement[] = [
      { wallet: big.wallet, token: 'USDC', base: 10_000_000n },
      { wallet: small.wallet, token: 'USDC', base: 5_000_000n },
    ];
    await expectPaidExactlyOnce(t.world, t.app, t.provider, entitlements);
  });

  it('the admin who created a held claim cannot approve it; another admin can', async () => {
    const mine = await claim('7', ALICE);
    expect(mine.status).toBe('held');
    const self = await http(t.app, 'POST', `/v1/admin/claims/${mine.id}/approve`, {}, { auth: ALICE });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('CLAIM.SELF_APPROVAL');
    expect(await status(mine.id)).toBe('held');
    expect((await http(t.app, 'POST', `/v1/admin/claims/${mine.id}/approve`, {}, { auth: BOB })).status).toBe(200);
    await waitFor(async () => (await status(mine.id)) === 'completed', 30_000, 'paid after the other admin approved');
  });

  it('a rejected claim is cancelled with its entitlement reversed, idempotently, and is never paid', async () => {
    const held = await claim('9');
    const rejected = await http(t.app, 'POST', `/v1/admin/claims/${held.id}/reject`, { reason: 'not a winner' }, { auth: ALICE });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'cancelled', lastError: 'rejected by admin:alice: not a winner' });
    expect((await http(t.app, 'POST', `/v1/admin/claims/${held.id}/reject`, {}, { auth: BOB })).status).toBe(200); // idempotent
    const approve = await http(t.app, 'POST', `/v1/admin/claims/${held.id}/approve`, {}, { auth: BOB });
    expect([approve.status, approve.body.code]).toEqual([409, 'CLAIM.NOT_HELD']);

    const journals = await sql(t.world, `SELECT id, kind FROM ledger_journals WHERE ref = $1 ORDER BY created_at`, [held.id]);
    expect(journals.map((j) => j.kind)).toEqual(['claim.created', 'claim.cancelled']);
    const payable = await http(t.app, 'GET', `/v1/ledger/balances?account=${encodeURIComponent(`payable:${held.wallet}:USDC`)}`);
    expect(BigInt(payable.body[0]?.balanceBase ?? 0)).toBe(0n);
    const trail = (await http(t.app, 'GET', `/v1/claims/${held.id}/events`)).body as { to: string; actor: string }[];
    expect(trail.filter((e) => e.to === 'cancelled')).toEqual([expect.objectContaining({ actor: 'admin:alice' })]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await carried(held.id)).toBe(0);
    expect((await http(t.app, 'GET', '/v1/ledger/trial-balance')).body.balanced).toBe(true);
  });

  it('bulk intake holds the items above the threshold and pays the rest', async () => {
    const items = ['1', '6', '2'].map((amount) => {
      const wallet = freshWallet();
      return { wallet, token: 'USDC', amount, reason: `approval-bulk:${wallet}` };
    });
    const r = await http(t.app, 'POST', '/v1/claims/batch', { claims: items });
    expect(r.body.items.map((i: { status: number; claim: { status: string } }) => [i.status, i.claim.status])).toEqual([
      [201, 'pending'],
      [201, 'held'],
      [201, 'pending'],
    ]);
    const [a, held, c] = r.body.items.map((i: { claim: { id: string } }) => i.claim.id);
    await waitFor(async () => (await status(a)) === 'completed' && (await status(c)) === 'completed', 30_000, 'the small bulk claims paid');
    expect(await status(held)).toBe('held');
    const metrics = String((await http(t.app, 'GET', '/metrics', undefined, { auth: null })).body);
    expect(metrics).toMatch(/payrail_claims_total\{status="held"\} [1-9]/);
    expect(metrics).toMatch(/payrail_claims_oldest_held_seconds \d+/);
  });
});
