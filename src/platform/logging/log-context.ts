import { Store, storage } from 'nestjs-pino/storage';
import type { Logger as Pino } from 'pino';

/** Fields that identify what a log line is about (API.md logging: claim id, payout id, tx hash, request id). */
export interface LogFields {
  requestId?: string;
  claimId?: string;
  payoutId?: string;
  txHash?: string;
  jobId?: string;
  queue?: string;
  [key: string]: unknown;
}

let root: Pino | undefined;

/** Set by LoggingModule: the process's root pino logger (also the one nestjs-pino uses). */
export function setRootLogger(logger: Pino | undefined): void {
  root = logger;
}

/** The pino logger of the current scope (a request, a job), or the root logger outside any. */
function current(): Pino | undefined {
  return storage.getStore()?.logger ?? root;
}

/**
 * Runs `fn` with every log line written inside it (through Nest's `Logger` or `PinoLogger`) carrying
 * `fields`. Nests: an inner scope adds to the outer one. Without a pino root (unit tests) it just runs.
 */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
  const parent = current();
  if (!parent) return fn();
  return storage.run(new Store(parent.child(clean)), fn);
}
