import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { API_KEY, bootApp, http, newWorld, sql, TestApp, waitFor, World } from '../helpers/app';
import { freshWallet } from '../helpers/chain';
import { freePort } from '../helpers/process';

const root = join(__dirname, '..', '..');


/**
 * Issue 4, acceptance 4: the API process dies (SIGKILL, PAYRAIL_CRASH_AT=after-claim-commit) after the claim
 * committed but before its response was stored under the Idempotency-Key. The retry, on a fresh process,
 * gets 409 while the dead request's lock lasts, then takes the record over and replays the SAME claim
 * (200, same id); there is never a second claim.
 */
describe('a retry after the API process died mid-request replays the claim, never a second one', () => {
  let world: World;
  let child: ChildProcess | null = null;
  let app: TestApp | null = null;

  beforeAll(() => {
    world = newWorld();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await app?.close();
  });

  it('crash after the claim commit -> 409 while locked -> takeover -> 200 with the same claim id -> HIT', async () => {
    const port = await freePort();
    const LOCK = '6';
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
      cwd: root,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? '/tmp',
        ...world.env,
        PORT: String(port),
        ROLE: 'api',
        LOG_LEVEL: 'warn',
        PAYRAIL_CRASH_AT: 'after-claim-commit',
        IDEMPOTENCY_LOCK_SECONDS: LOCK,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<string>((resolve) => child!.on('exit', (code, signal) => resolve(String(signal ?? code))));
    await waitFor(async () => {
      if (child!.exitCode !== null || child!.signalCode !== null) throw new Error(`the app exited before it was ready:\n${out}`);
      return /listening on/.test(out);
    }, 90_000, 'the crashing app to listen');

    const body = { wallet: freshWallet(), token: 'USDC', amount: '1.25', reason: `crash-retry:${Date.now()}` };
    const key = `crash-${Date.now()}`;
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': key };
    const first = await fetch(`http://127.0.0.1:${port}/v1/claims`, { method: 'POST', headers, body: JSON.stringify(body) }).then(
      (r) => `HTTP ${r.status}`,
      (err: Error) => `connection lost (${err.message})`,
    );
    expect(first).toMatch(/^connection lost/); // the process died before answering
    expect(await exited).toBe('SIGKILL');
    expect(out).toContain('crash point after-claim-commit reached');

    // what the crash left: the claim committed, the idempotency record still in flight
    const claims = await sql(world, `SELECT id FROM claims WHERE wallet = $1`, [body.wallet]);
    expect(claims).toHaveLength(1);
    const claimId = claims[0].id;
    const [rec] = await sql(world, `SELECT status, response_body FROM idempotency_records WHERE key = $1`, [key]);
    expect(rec).toEqual({ status: 'in_flight', response_body: null });

    app = await bootApp(world, { ROLE: 'api', IDEMPOTENCY_LOCK_SECONDS: LOCK });
    const post = () => http(app!, 'POST', '/v1/claims', body, { headers: { 'idempotency-key': key } });
    const locked = await post();
    expect(locked.status).toBe(409);
    expect(locked.headers.get('retry-after')).toBe('1');

    await waitFor(
      async () => (await sql(world, `SELECT locked_until < clock_timestamp() AS free FROM idempotency_records WHERE key = $1`, [key]))[0].free,
      30_000,
      'the dead request lock to expire',
    );
    const retry = await post();
    expect(retry.status).toBe(200); // the claim existed: same entitlement, same claim
    expect(retry.body.id).toBe(claimId);
    expect(retry.headers.get('x-idempotency')).toBe('MISS');
    const replay = await post();
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(claimId);
    expect(replay.headers.get('x-idempotency')).toBe('HIT');

    expect((await sql(world, `SELECT count(*)::int AS n FROM claims WHERE wallet = $1`, [body.wallet]))[0].n).toBe(1);
    expect((await sql(world, `SELECT count(*)::int AS n FROM ledger_journals WHERE ref = $1`, [claimId]))[0].n).toBe(1);
    expect((await sql(world, `SELECT count(*)::int AS n FROM claim_events WHERE claim_id = $1`, [claimId]))[0].n).toBe(1);
    expect((await sql(world, `SELECT status, response_status FROM idempotency_records WHERE key = $1`, [key]))[0]).toEqual({
      status: 'completed',
      response_status: 200,
    });
  });
});
