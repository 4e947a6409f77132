import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, API_KEY, bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { AppProcess, spawnApp } from '../helpers/process';
import { legacyHeaders, testSecret } from '../helpers/webhook-receiver';

/**
 * Acceptance 5: an API process (in this process, pino JSON lines to LOG_FILE) and a worker process (the real
 * build, ROLE=worker, pino JSON lines on stdout), both at LOG_LEVEL=debug. The lines about a claim carry its
 * claim id and the request id of the POST that created it (propagated through the job data into the other
 * process), and the payout id and tx hash once paid; no line of either contains the treasury private key,
 * an API key secret, the admin token or a webhook secret.
 */
describe('logs carry claim ids and no secrets', () => {
  const WEBHOOK_SECRET = testSecret('logs-test');
  const LEGACY_SECRET = 'legacy-secret-for-logs-24-bytes';
  let world: World;
  let app: TestApp | undefined;
  let worker: AppProcess | undefined;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    world = newWorld();
    dir = mkdtempSync(join(tmpdir(), 'payrail-logs-'));
    file = join(dir, 'app.log');
    const secrets = { LOG_LEVEL: 'debug', NODE_ENV: 'test', WEBHOOK_SECRETS: `acme:${WEBHOOK_SECRET},legacy:${LEGACY_SECRET}` };
    app = await bootApp(world, { ...secrets, ROLE: 'api', LOG_FILE: file });
    worker = await spawnApp(world, { ...secrets, ROLE: 'worker' });
  });
  afterAll(async () => {
    await worker?.kill();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes JSON lines with request, claim, payout and tx ids, and never a secret', async () => {
    const requestId = `e2e-${randomUUID()}`;
    const created = await http(app!, 'POST', '/v1/claims', { wallet: freshWallet(), token: 'USDC', amount: '2', reason: 'logs:1' }, { headers: { 'x-request-id': requestId } });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(requestId);
    const claimId: string = created.body.id;

    // a generated id when none (or a malformed one) is sent, on errors too
    const generated = await http(app!, 'GET', `/v1/claims/${claimId}`, undefined, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await http(app!, 'GET', '/v1/claims', undefined, { auth: null })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // traffic that carries every kind of secret in its headers or body
    expect((await http(app!, 'GET', '/health/claims', undefined, { auth: 'admin' })).status).toBe(200);
    expect((await http(app!, 'GET', '/admin/queues/api/queues', undefined, { auth: 'admin' })).status).toBe(200);
    expect((await http(app!, 'GET', '/health/claims', undefined, { headers: { 'x-admin-token': ADMIN_TOKEN }, auth: null })).status).toBe(200);
    const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'noise.ignored', data: { note: 'logs test' } });
    const hook = await http(app!, 'POST', '/v1/webhooks/legacy', undefined, { auth: null, raw: body, headers: legacyHeaders(LEGACY_SECRET, body) });
    expect(hook.status).toBeLessThan(300);

    await waitFor(async () => (await sql(world, `SELECT status FROM claims WHERE id = $1`, [claimId]))[0].status === 'completed', 60_000, 'claim completed');
    const [claim] = await sql(world, `SELECT payout_id, tx_hash FROM claims WHERE id = $1`, [claimId]);
    // the settlement line is written right after the commit: give it a moment, then stop both (flush)
    await waitFor(async () => worker!.output().includes(`"payoutId":"${claim.payout_id}"`), 10_000, 'settlement line');
    await app!.close();
    app = undefined;
    await worker!.kill();

    const apiRaw = readFileSync(file, 'utf8');
    const apiLines = apiRaw.split('\n').filter(Boolean);
    expect(apiLines.length).toBeGreaterThan(10);
    const api = apiLines.map((l) => JSON.parse(l) as Record<string, unknown>); // every line is JSON
    for (const e of api) expect(e).toMatchObject({ level: expect.any(String), time: expect.any(String), role: 'api', msg: expect.anything() });
    // the worker's stdout: JSON lines, except main.ts's one "worker started" line and preflight's boot lines
    // printed before the app (and its logger) exists
    const workerRaw = worker!.output();
    const workerLines = workerRaw.split('\n').filter(Boolean);
    const plain = workerLines.filter((l) => !l.startsWith('{'));
    expect(plain.filter((l) => !/Payrail worker started|\[Boot\]/.test(l))).toEqual([]);
    const jobs = workerLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(jobs.length).toBeGreaterThan(10);
    for (const e of jobs) expect(e).toMatchObject({ level: expect.any(String), time: expect.any(String), role: 'worker' });

    // the HTTP line of the POST (API process) and the job that paid the claim (worker process) carry the request id
    expect(api.find((e) => e.requestId === requestId && e.msg === 'POST /v1/claims 201')).toBeDefined();
    const jobLine = jobs.find((e) => e.claimId === claimId && e.requestId === requestId && e.queue === 'claims');
    expect(jobLine).toMatchObject({ jobId: claimId, msg: 'pay-claim done', outcome: 'paid' });
    // broadcast and settlement lines carry claim, payout and tx hash
    expect(jobs.find((e) => e.claimId === claimId && e.payoutId === claim.payout_id && e.txHash === claim.tx_hash)).toMatchObject({
      msg: expect.stringMatching(/^payout settled/),
    });

    // no secret, in any form, anywhere
    const raw = apiRaw + workerRaw;
    const lower = raw.toLowerCase();
    const key = world.treasuryKey.replace(/^0x/, '').toLowerCase();
    expect(lower).not.toContain(key);
    for (const secret of [API_KEY, ADMIN_TOKEN, WEBHOOK_SECRET, WEBHOOK_SECRET.slice('whsec_'.length), LEGACY_SECRET]) {
      expect(raw).not.toContain(secret);
    }
    expect(lower).not.toContain('bearer ');
    expect(raw).not.toMatch(/"stack"/);
  });
});
