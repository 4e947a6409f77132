import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getAddress } from 'ethers';
import { ADMIN_TOKEN, API_KEY, sql, useWorld, waitFor } from '../helpers/app';
import { parseCsv } from '../helpers/csv';

/**
 * Issue 15, the CLI acceptance (API.md "Programs, client, CLI, reports"), the CLI spawned as a real process
 * against the live app (real HTTP, Postgres, Redis, dev chain):
 * - `payrail programs create` makes the program the import draws on;
 * - `payrail claims import` of a 5,000-row CSV (4,970 distinct entitlements, 20 duplicated rows, 10 bad rows: 7
 *   malformed for the CLI itself - wrong column count, empty fields - and 3 the server refuses - an invalid
 *   wallet, 7 decimals, an unknown token) ends with `created 4970, existing 20, refused 10`, exit 2, exactly
 *   4,970 claim rows, and FILE.refused.csv naming each of the 10 bad lines;
 * - a second run of the same file creates nothing: `created 0, existing 4990, refused 10` (its chunks replay
 *   the first run's answers by their deterministic Idempotency-Key; the refused rows are asked again), still
 *   4,970 rows;
 * - `payrail claims watch --program` follows those same 4,970 claims (the whole 5,000-row file, not a smaller
 *   one) until every one is paid, and exits 0;
 * - an import killed (SIGKILL) mid-file and run again claims every row exactly once (created + existing = rows),
 *   and `claims watch` without a program (every claim, GET /health/claims) ends when those are paid too;
 * - `npx payrail --help` from the repository root prints the usage and exits 0 (the workspace bin link).
 */
jest.setTimeout(420_000);

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'payrail.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs = 300_000): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** A never-used address, as freshWallet() gives, without deriving a key (4,970 of them). */
const address = () => getAddress(`0x${randomBytes(20).toString('hex')}`);

describe('the CLI: a 5,000-row import, resumable, watched until paid', () => {
  const t = useWorld({ RL_PER_MIN_IP: '100000', RL_CLAIMS_PER_HOUR_WALLET: '1000' });
  const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { PAYRAIL_URL: t.app.url, PAYRAIL_API_KEY: API_KEY, PAYRAIL_ADMIN_TOKEN: ADMIN_TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'payrail-cli-'));
  const file = join(dir, 'campaign.csv');
  /** line number (header = 1) -> why it is bad */
  const bad = new Map<number, string>();
  let programId = '';
  const claimRows = async () => Number((await sql<{ n: string }>(t.world, 'SELECT count(*)::text AS n FROM claims'))[0]!.n);

  beforeAll(() => {
    const good = Array.from({ length: 4970 }, (_, i) => `${address()},USDC,0.01,cli-e2e:${i}`);
    const malformed = [
      'x,USDC,0.01', // 3 columns
      `${address()},USDC,0.01`,
      `${address()}`,
      `${address()},USDC,0.01,too-many,extra`, // 5 columns
      `${address()},USDC,0.01,a,b,c`,
      `${address()},USDC,,cli-e2e:empty-amount`, // empty field
      ` ,USDC,0.01,cli-e2e:blank-wallet`,
      'not-a-wallet,USDC,0.01,cli-e2e:bad-wallet', // the server's 400s
      `${address()},USDC,0.1234567,cli-e2e:seven-decimals`,
      `${address()},NOPE,0.01,cli-e2e:unknown-token`,
    ];
    const lines: string[] = [];
    for (let i = 0; i < good.length; i++) {
      lines.push(good[i]!);
      if (i % 240 === 239 && i / 240 < 20) lines.push(good[i - 100]!); // 20 duplicates of earlier rows
      if (i % 480 === 300 && malformed.length) {
        lines.push(malformed.shift()!);
        bad.set(lines.length + 1, lines[lines.length - 1]!);
      }
    }
    for (const m of malformed) {
      lines.push(m);
      bad.set(lines.length + 1, m);
    }
    expect(lines).toHaveLength(5000);
    expect(bad.size).toBe(10);
    writeFileSync(file, `wallet,token,amount,reason\n${lines.join('\n')}\n`);
  });

  it('`programs create` makes the program, as JSON', async () => {
    const r = await cli('programs', 'create', '--name', 'cli-e2e', '--token', 'USDC', '--budget', '1000', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ name: 'cli-e2e', token: 'USDC', budget: '1000', remaining: '1000', status: 'open' });
    programId = p.id;
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
  });

  it('imports 5,000 rows: created 4970, existing 20, refused 10, exit 2, and a report naming each bad line', async () => {
    const started = Date.now();
    const r = await cli('claims', 'import', file, '--program', programId);
    const seconds = (Date.now() - started) / 1000;
    expect(r.stdout.trim().split('\n').pop()).toBe('created 4970, existing 20, refused 10');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}.refused.csv`);
    expect(await claimRows()).toBe(4970);
    expect(Number((await sql<{ n: string }>(t.world, 'SELECT count(*)::text AS n FROM claims WHERE program_id = $1', [programId]))[0]!.n)).toBe(4970);
    process.stdout.write(`CLI import of 5,000 rows: ${seconds.toFixed(1)} s\n`);

    const report = parseCsv(readFileSync(`${file}.refused.csv`, 'utf8'));
    expect(report[0]).toEqual(['line', 'status', 'code', 'detail', 'wallet', 'token', 'amount', 'reason', 'raw']);
    const rows = report.slice(1);
    expect(rows.map((row) => Number(row[0])).sort((a, b) => a - b)).toEqual([...bad.keys()].sort((a, b) => a - b));
    for (const row of rows) expect(row[8]).toBe(bad.get(Number(row[0])));
    const byReason = new Map(rows.map((row) => [row[7], row]));
    expect(byReason.get('cli-e2e:bad-wallet')).toEqual(expect.arrayContaining(['400', 'REQUEST.INVALID']));
    expect(byReason.get('cli-e2e:bad-wallet')![3]).toContain('wallet');
    expect(byReason.get('cli-e2e:seven-decimals')![3]).toContain('amount');
    expect(byReason.get('cli-e2e:unknown-token')![1]).toBe('400');
    expect(byReason.get('cli-e2e:empty-amount')!.slice(1, 3)).toEqual(['local', 'CSV.EMPTY_FIELD']);
    expect(rows.filter((row) => row[2] === 'CSV.COLUMN_COUNT')).toHaveLength(5);
    expect(rows.filter((row) => row[1] === 'local')).toHaveLength(7);
  });

  it('a second run of the same file creates nothing (--json)', async () => {
    const r = await cli('claims', 'import', file, '--program', programId, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ created: 0, existing: 4990, refused: 10, refusedReport: `${file}.refused.csv` });
    expect(await claimRows()).toBe(4970);
  });

  it('`claims watch --program` ends with exit 0 when all 4,970 are paid', async () => {
    const r = await cli('claims', 'watch', '--program', programId, '--interval', '1', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pending: 0, held: 0, processing: 0, submitted: 0, completed: 4970 });
    const statuses = await sql<{ status: string; n: number }>(t.world, 'SELECT status, count(*)::int AS n FROM claims GROUP BY status');
    expect(statuses).toEqual([{ status: 'completed', n: 4970 }]);

    const shown = await cli('programs', 'show', programId, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ spent: '49.7', reserved: '0', remaining: '950.3', claims: 4970 });
    const csv = await cli('report', '--claims', '--program', programId);
    expect(csv.code).toBe(0);
    expect(parseCsv(csv.stdout)).toHaveLength(4971);
  });

  it('report, signers and dlq answer as JSON; a wrong key is one line on stderr, exit 1, the key never printed', async () => {
    const report = await cli('report', '--program', programId, '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).byStatus.completed).toEqual({ count: 4970, amount: '49.7' });
    const signers = await cli('signers', '--json');
    expect(signers.code).toBe(0);
    expect(JSON.parse(signers.stdout).map((s: { address: string }) => s.address.toLowerCase())).toContain(t.world.treasury.toLowerCase());
    const dlq = await cli('dlq', 'list', '--json');
    expect([dlq.code, JSON.parse(dlq.stdout)]).toEqual([0, []]);

    const wrong = 'wrong-key-0123456789abcdef';
    const denied = await run(process.execPath, [BIN, 'programs', 'list'], { PAYRAIL_URL: t.app.url, PAYRAIL_API_KEY: wrong, PAYRAIL_ADMIN_TOKEN: '' });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toMatch(/^payrail: GET \/v1\/programs failed: 401 AUTH\.[A-Z_]+: .+\n$/);
    expect(denied.stderr).not.toContain(wrong);
  });

  it('an import killed mid-file (SIGKILL) and run again ends with every row claimed once', async () => {
    const killed = join(dir, 'killed.csv');
    writeFileSync(killed, `wallet,token,amount,reason\n${Array.from({ length: 3000 }, (_, i) => `${address()},USDC,0.01,cli-kill:${i}`).join('\n')}\n`);
    const before = await claimRows();
    const child = spawn(process.execPath, [BIN, 'claims', 'import', killed, '--chunk', '100'], {
      cwd: ROOT,
      env: { ...process.env, PAYRAIL_URL: t.app.url, PAYRAIL_API_KEY: API_KEY },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    await waitFor(async () => (await claimRows()) - before >= 300, 60_000, 'the first chunks of the import', 50);
    child.kill('SIGKILL');
    await exited;
    // a chunk the killed process had sent may still be committing: wait until the count stands still
    let last = -1;
    await waitFor(async () => {
      const n = await claimRows();
      const still = n === last;
      last = n;
      return still;
    }, 30_000, 'the killed import to settle', 1000);
    const taken = last - before;
    expect(taken).toBeGreaterThanOrEqual(300);
    expect(taken).toBeLessThan(3000); // killed mid-file, not after

    const again = await cli('claims', 'import', killed, '--chunk', '100', '--json');
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toEqual({ created: 3000 - taken, existing: taken, refused: 0, refusedReport: null });
    expect((await claimRows()) - before).toBe(3000);
    const dupes = await sql(t.world, "SELECT wallet, reason FROM claims WHERE reason LIKE 'cli-kill:%' GROUP BY wallet, reason HAVING count(*) > 1");
    expect(dupes).toEqual([]);

    // without --program, watch reads every claim's counts (GET /health/claims, the admin token)
    const all = await cli('claims', 'watch', '--interval', '1', '--json');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ pending: 0, processing: 0, submitted: 0, completed: 4970 + 3000 });
  });

  it('`npx payrail --help` from the repository root prints the usage and exits 0', async () => {
    // npx runs the workspace link node_modules/.bin/payrail; in a git worktree whose node_modules is another
    // checkout's, that link runs the other checkout's CLI: say so rather than test the wrong code
    expect(realpathSync(join(ROOT, 'node_modules', '.bin', 'payrail'))).toBe(realpathSync(BIN));
    const r = await run('npx', ['--no-install', 'payrail', '--help'], {}, 60_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: payrail');
    expect(r.stdout).toContain('claims');
  });
});
