import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { CliError, makeContext, must, print, problemLine, table } from '../context';

type Globals = () => { url?: string; json?: boolean };

/**
 * `payrail report --program ID`: a program's totals by status. `payrail report --claims [--from --to
 * --program] > claims.csv`: the claims CSV export streamed to stdout as it arrives (any size, flat memory).
 */
export function reportCommand(globals: Globals): Command {
  return new Command('report')
    .description("a program's totals by status (--program), or the claims CSV export to stdout (--claims)")
    .option('--program <id>', 'the program')
    .option('--claims', 'stream the claims CSV export (GET /v1/claims/export) to stdout')
    .option('--from <time>', 'with --claims: created at or after (ISO 8601)')
    .option('--to <time>', 'with --claims: created before (ISO 8601)')
    .option('--json', 'print JSON')
    .action(async (o: { program?: string; claims?: boolean; from?: string; to?: string; json?: boolean }) => {
      const c = makeContext({ ...globals(), json: o.json || globals().json });
      if (o.claims) {
        const query = { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), ...(o.program ? { program: o.program } : {}) };
        const { data, error, response } = await c.client.GET('/v1/claims/export', { params: { query }, parseAs: 'stream' });
        if (!response.ok || !data) throw new CliError(`GET /v1/claims/export failed: ${problemLine(response.status, error)}`);
        await pipeline(Readable.fromWeb(data as import('node:stream/web').ReadableStream), process.stdout);
        return;
      }
      if (!o.program) throw new CliError('give --program ID (totals by status) or --claims (CSV export)');
      const id = o.program;
      const report = must(await c.client.GET('/v1/programs/{id}/report', { params: { path: { id } } }), 'GET /v1/programs/:id/report');
      print(c, report, (r) => [
        `${r.program.id}  ${r.program.name} (${r.program.token}, ${r.program.status})`,
        `budget ${r.program.budget}, reserved ${r.program.reserved}, spent ${r.program.spent}, remaining ${r.program.remaining}, gas ${r.program.gas} ETH`,
        ...table([['status', 'count', 'amount'], ...Object.entries(r.byStatus).map(([s, t]) => [s, String(t.count), t.amount])]),
      ]);
    });
}
