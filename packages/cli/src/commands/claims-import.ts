import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { ClaimsBatchItem, CreateClaim, RetryEvent } from '@payrail/client';
import { CliError, Context, makeContext, problemLine } from '../context';
import { ClaimRow, COLUMNS, HeaderMap, originalColumns, parseHeader, parseRow } from '../rows';
import { exitCodeOf, newTally, outcomeOf, summaryLine, Tally } from '../summary';
import { csvField } from '../csv';

// CommonJS package without bundled types for this entry point
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('csv-parse') as { parse: (opts: object) => NodeJS.ReadWriteStream & AsyncIterable<ParsedRecord> };

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number; bytes: number };
}

/** A row waiting in the current chunk: what is sent, and what the report needs if it is refused. */
interface Pending {
  line: number;
  raw: string;
  fields: string[];
  claim: CreateClaim;
}

export const MAX_CHUNK = 1000; // POST /v1/claims/batch takes 1..1000 items

/**
 * `payrail claims import FILE.csv`: streams the file (never all in memory), refuses malformed rows locally,
 * sends the rest to POST /v1/claims/batch in chunks and counts each row as created, existing or refused.
 *
 * Resumable: the server is idempotent per entitlement (wallet + token + amount + reason), so re-running the
 * same file answers 200 for every row already taken and creates nothing twice. Each chunk also carries a
 * deterministic Idempotency-Key (file hash + program + chunk size + chunk index), so a chunk retried after a
 * crash replays the first answer instead of racing it. A replay of an EARLIER run's request (see
 * ownAttemptMayHaveRun) counts its 201s as existing, and the rows it refused (budget, rate limit...) are sent
 * again under a fresh key so that a re-run after a top-up is not answered with yesterday's refusal.
 */
export function claimsImportCommand(globals: () => { url?: string; json?: boolean }): Command {
  return new Command('import')
    .description('import claims from a CSV (header wallet,token,amount,reason), resumably')
    .argument('<file>', 'the CSV file')
    .option('--program <id>', 'the program whose budget pays these claims')
    .option('--chunk <n>', `rows per request (1..${MAX_CHUNK})`, '500')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { program?: string; chunk: string; json?: boolean }) => {
      const ctx = makeContext({ ...globals(), json: opts.json || globals().json });
      const chunk = Number(opts.chunk);
      if (!Number.isInteger(chunk) || chunk < 1 || chunk > MAX_CHUNK) throw new CliError(`--chunk must be an integer in 1..${MAX_CHUNK}`);
      const result = await importFile(ctx, file, { program: opts.program, chunk });
      const report = result.refusedReport;
      if (ctx.json) process.stdout.write(`${JSON.stringify({ ...result.tally, refusedReport: report })}\n`);
      else process.stdout.write(`${summaryLine(result.tally)}\n`);
      if (report) process.stderr.write(`refused rows: ${report}\n`);
      process.exitCode = exitCodeOf(result.tally);
    });
}

/**
 * Whether an attempt of THIS run may have been executed by the server without its answer reaching us (a
 * connection lost or timed out after sending, a 5xx from a proxy): only then can a replayed answer be our own.
 * A 429 or a 409 IDEMPOTENCY.IN_FLIGHT means that attempt was not run; an in-flight key without such a lost
 * attempt is an earlier run's request still finishing. (Both at once, an earlier run's chunk and a lost
 * attempt of this one, cannot be told apart: its 201s then count as created.)
 */
export function ownAttemptMayHaveRun(retries: RetryEvent[]): boolean {
  return retries.some((r) => r.reason === 'network' || r.reason === 'timeout' || r.reason === 'server-error');
}

/** sha256 of the file's bytes, streamed. */
async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The refused-rows report, `FILE.refused.csv`, opened at the first refused row. */
class RefusedReport {
  private out?: WriteStream;
  constructor(readonly path: string) {}

  async add(line: number, status: string, code: string, detail: string, columns: string[], raw: string): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.write(['line', 'status', 'code', 'detail', ...COLUMNS, 'raw']);
    }
    if (!this.write([String(line), status, code, detail, ...columns, raw])) await once(this.out, 'drain');
  }

  private write(fields: string[]): boolean {
    return this.out!.write(`${fields.map(csvField).join(',')}\r\n`);
  }

  async close(): Promise<string | null> {
    if (!this.out) return null;
    this.out.end();
    await once(this.out, 'finish');
    return this.path;
  }
}

/** The detail of a refused item: the problem's detail and its field errors. */
function itemDetail(item: ClaimsBatchItem): { code: string; detail: string } {
  const p = item.problem;
  const fields = (p?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return { code: p?.code ?? '', detail: [p?.detail, fields].filter(Boolean).join(' ') || problemLine(item.status, p) };
}

export async function importFile(ctx: Context, file: string, opts: { program?: string; chunk: number }): Promise<{ tally: Tally; refusedReport: string | null }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  const hash = await fileHash(file);
  const tally = newTally();
  const report = new RefusedReport(`${file}.refused.csv`);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing {bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true }, undefined)
    : undefined;
  const started = Date.now();
  let rows = 0;
  bar?.start(size, 0, { rows: 0, rate: 0 });
  const progress = (bytes: number) => bar?.update(bytes, { rows, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) });

  const refuse = (p: Pending, item: ClaimsBatchItem) => {
    const { code, detail } = itemDetail(item);
    tally.refused++;
    return report.add(p.line, String(item.status), code, detail, p.fields, p.raw);
  };

  let chunkIndex = 0;
  const send = async (pending: Pending[]) => {
    const key = `payrail-cli-${createHash('sha256').update(`${hash}:${opts.program ?? ''}:${opts.chunk}:${chunkIndex++}`).digest('hex').slice(0, 48)}`;
    const retriesBefore = ctx.retries.length;
    const items = await post(ctx, pending, key);
    const replayed = items.replayed && !ownAttemptMayHaveRun(ctx.retries.slice(retriesBefore));
    const again: Pending[] = [];
    for (const [i, item] of items.items.entries()) {
      const p = pending[i]!;
      const outcome = outcomeOf(item.status, replayed);
      if (outcome === 'refused' && replayed) again.push(p);
      else if (outcome === 'refused') await refuse(p, item);
      else tally[outcome]++;
    }
    if (again.length) {
      // an earlier run's refusals: ask again now (a fresh key: the server answers today's truth)
      const fresh = await post(ctx, again, undefined);
      for (const [i, item] of fresh.items.entries()) {
        const outcome = outcomeOf(item.status);
        if (outcome === 'refused') await refuse(again[i]!, item);
        else tally[outcome]++;
      }
    }
  };

  let header: HeaderMap | undefined;
  let batch: Pending[] = [];
  try {
    const parser = createReadStream(file).pipe(parse({ relax_column_count: true, skip_empty_lines: true, bom: true, info: true, raw: true }));
    for await (const { record, raw, info } of parser) {
      const rawLine = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
      if (!header) {
        const h = parseHeader(record);
        if ('error' in h) throw new CliError(`${file}: line ${info.lines}: ${h.error}`);
        header = h;
        continue;
      }
      rows++;
      const parsed = parseRow(record, header);
      if ('refusal' in parsed) {
        tally.refused++;
        await report.add(info.lines, 'local', parsed.refusal.code, parsed.refusal.detail, originalColumns(record, header), rawLine);
      } else {
        batch.push({ line: info.lines, raw: rawLine, fields: originalColumns(record, header), claim: toClaim(parsed.row, opts.program) });
        if (batch.length >= opts.chunk) {
          await send(batch);
          batch = [];
        }
      }
      progress(info.bytes);
    }
    if (!header) throw new CliError(`${file}: empty file (expected a header row ${COLUMNS.join(',')})`);
    if (batch.length) await send(batch);
    progress(size);
  } catch (err) {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw new CliError(`${file}: ${err.message}`);
    }
    throw err;
  } finally {
    bar?.stop();
    await report.close().catch(() => undefined);
  }
  return { tally, refusedReport: tally.refused > 0 ? report.path : null };
}

function toClaim(row: ClaimRow, program: string | undefined): CreateClaim {
  return program ? { ...row, program } : { ...row };
}

/** One batch request; a failure of the whole request (auth, body, network after retries) stops the run. */
async function post(ctx: Context, pending: Pending[], key: string | undefined): Promise<{ items: ClaimsBatchItem[]; replayed: boolean }> {
  const { data, error, response } = await ctx.client.POST('/v1/claims/batch', {
    body: { claims: pending.map((p) => p.claim) },
    ...(key ? { params: { header: { 'Idempotency-Key': key } } } : {}),
  });
  if (!data || !response.ok) throw new CliError(`POST /v1/claims/batch failed: ${problemLine(response.status, error)}`);
  if (data.items.length !== pending.length) throw new CliError(`POST /v1/claims/batch answered ${data.items.length} items for ${pending.length}`);
  return { items: [...data.items].sort((a, b) => a.index - b.index), replayed: response.headers.get('idempotent-replayed') === 'true' };
}
