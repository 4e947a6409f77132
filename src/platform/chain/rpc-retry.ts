import { redactRpcUrl } from './rpc-url';

/** Delays between boot-time RPC attempts (5 attempts over ~15 s): a hosted RPC answers 5xx now and then. */
export const BOOT_RPC_DELAYS_MS = [1000, 2000, 4000, 8000];

/** An RPC error as one short line, the RPC URL's key parts removed. */
export function shortRpcReason(err: unknown): string {
  const e = err as { shortMessage?: string; message?: string };
  return redactRpcUrl(e?.shortMessage ?? e?.message ?? String(err)).slice(0, 160);
}

/** Short retries for a step that runs often (a few reads of one tick): a single flaky answer does not cost the tick. */
export const TICK_RPC_DELAYS_MS = [100, 300];

/**
 * Runs an RPC step (at boot, or with TICK_RPC_DELAYS_MS in a tick), retrying any error after each delay of `delays` (logged: what, the attempt,
 * the redacted reason, the wait); the last error is thrown (redacted) once the attempts are spent.
 */
export async function withRpcRetry<T>(what: string, fn: () => Promise<T>, log: (line: string) => void, delays: readonly number[] = BOOT_RPC_DELAYS_MS): Promise<T> {
  const attempts = delays.length + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) throw err;
      const delay = delays[attempt - 1]!;
      log(`${what} failed (attempt ${attempt} of ${attempts}: ${shortRpcReason(err)}); retrying in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
