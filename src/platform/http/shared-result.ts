/**
 * Wraps an expensive computation so that concurrent callers share ONE run, and callers within `ttlMs` of its
 * end reuse its outcome (a result or an error alike: a flood of requests while a dependency is down must not
 * multiply the probes). Used by the open, unthrottled endpoints (/health/ready, /metrics).
 */
export function sharedResult<T>(ttlMs: number, compute: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let current: Promise<T> | null = null;
  let settledAt: number | null = null;
  return () => {
    if (current && (settledAt === null || now() - settledAt < ttlMs)) return current;
    settledAt = null;
    const run = compute();
    current = run;
    const settle = () => {
      if (current === run) settledAt = now();
    };
    run.then(settle, settle);
    return run;
  };
}
