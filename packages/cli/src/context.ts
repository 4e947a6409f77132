import { createPayrailClient, PayrailClient } from '@payrail/client';
import type { Problem, RetryEvent } from '@payrail/client';

/**
 * What every command needs: the API address and credentials (PAYRAIL_URL, PAYRAIL_API_KEY,
 * PAYRAIL_ADMIN_TOKEN; `--url` overrides the first), a client on them, and the `--json` switch. The key and
 * the token are only ever sent as headers: they never appear in output or error messages.
 */
export interface GlobalOptions {
  url?: string;
  json?: boolean;
}

export interface Context {
  baseUrl: string;
  json: boolean;
  client: PayrailClient;
  /** every retry the client made (the import reads them to tell its own replays from an earlier run's) */
  retries: RetryEvent[];
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export function makeContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  const baseUrl = opts.url || env.PAYRAIL_URL || DEFAULT_URL;
  const retries: RetryEvent[] = [];
  const client = createPayrailClient({
    baseUrl,
    apiKey: env.PAYRAIL_API_KEY || undefined,
    adminToken: env.PAYRAIL_ADMIN_TOKEN || undefined,
    retries: 5,
    onRetry: (e) => void retries.push(e),
  });
  return { baseUrl, json: Boolean(opts.json), client, retries };
}

/** A failure of the command itself (exit 1), printed as one line on stderr. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line from a problem+json answer: `401 AUTH.UNAUTHORIZED: title: detail`. */
export function problemLine(status: number, problem: unknown): string {
  const p = (problem && typeof problem === 'object' ? problem : {}) as Partial<Problem>;
  const parts = [p.title, p.detail].filter((s): s is string => typeof s === 'string' && s.length > 0);
  return `${status}${p.code ? ` ${p.code}` : ''}${parts.length ? `: ${parts.join(': ')}` : ''}`;
}

/** The data of an answer, or a CliError naming the problem. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  throw new CliError(`${what} failed: ${problemLine(result.response.status, result.error)}`);
}

/** Prints a value: JSON when --json, else the lines `human` makes of it. */
export function print<T>(ctx: Context, value: T, human: (v: T) => string[]): void {
  const out = ctx.json ? [JSON.stringify(value, null, 2)] : human(value);
  for (const line of out) process.stdout.write(`${line}\n`);
}

/** Left-aligned columns, for compact tables. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '));
}
