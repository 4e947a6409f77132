import { Command } from 'commander';
import { CliError, Context, makeContext, must } from '../context';

/** Statuses that will still change: while any claim is in one of them, the watch goes on. */
export const OPEN_STATUSES = ['pending', 'held', 'processing', 'submitted'] as const;
const SHOWN = [...OPEN_STATUSES, 'completed', 'failed', 'cancelled'] as const;

export type Counts = Record<string, number>;

export const isDone = (c: Counts): boolean => OPEN_STATUSES.every((s) => !c[s]);
export const countsLine = (c: Counts): string => SHOWN.filter((s) => s in c).map((s) => `${s} ${c[s]}`).join(', ');

/** A program's claims by status (GET /v1/programs/:id/report), or every claim's (GET /health/claims). */
async function counts(ctx: Context, program: string | undefined): Promise<Counts> {
  if (program) {
    const report = must(await ctx.client.GET('/v1/programs/{id}/report', { params: { path: { id: program } } }), 'GET /v1/programs/:id/report');
    const c: Counts = Object.fromEntries(SHOWN.map((s) => [s, 0]));
    for (const [status, total] of Object.entries(report.byStatus)) c[status] = total.count;
    return c;
  }
  const health = must(await ctx.client.GET('/health/claims'), 'GET /health/claims');
  if (!health.claims) throw new CliError('GET /health/claims has no counts (database unreachable?)');
  const { total: _total, ...byStatus } = health.claims;
  return byStatus;
}

/**
 * `payrail claims watch`: live counts by status until nothing is pending, held, processing or submitted.
 * Exit 0 when done and none failed, 2 when some failed.
 */
export function claimsWatchCommand(globals: () => { url?: string; json?: boolean }): Command {
  return new Command('watch')
    .description('show claim counts by status until none is pending, held, processing or submitted')
    .option('--program <id>', "watch this program's claims (else every claim: needs the admin token)")
    .option('--interval <seconds>', 'seconds between polls', '2')
    .option('--json', 'print the final counts as JSON')
    .action(async (opts: { program?: string; interval: string; json?: boolean }) => {
      const ctx = makeContext({ ...globals(), json: opts.json || globals().json });
      const interval = Number(opts.interval);
      if (!(interval > 0)) throw new CliError('--interval must be a positive number of seconds');
      const tty = process.stderr.isTTY && !ctx.json;
      for (;;) {
        const c = await counts(ctx, opts.program);
        const line = `${new Date().toISOString().slice(11, 19)} ${countsLine(c)}`;
        if (tty) process.stderr.write(`\r\x1b[K${line}`);
        else if (!ctx.json) process.stdout.write(`${line}\n`);
        if (isDone(c)) {
          if (tty) process.stderr.write('\n');
          if (ctx.json) process.stdout.write(`${JSON.stringify(c)}\n`);
          else if (tty) process.stdout.write(`${countsLine(c)}\n`);
          process.exitCode = c.failed ? 2 : 0;
          return;
        }
        await new Promise((r) => setTimeout(r, interval * 1000));
      }
    });
}
