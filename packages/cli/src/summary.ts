/**
 * The outcome of an import: what each row became, the summary line API.md fixes
 * (`created N, existing N, refused N`) and the exit code (0 nothing refused, 2 some refused; 1 is a failure
 * of the run itself, decided elsewhere).
 */
export type Outcome = 'created' | 'existing' | 'refused';

export interface Tally {
  created: number;
  existing: number;
  refused: number;
}

export const newTally = (): Tally => ({ created: 0, existing: 0, refused: 0 });

/**
 * What a per-item status of POST /v1/claims/batch means for the row: 201 a claim made now; 200 the
 * entitlement already had one (an earlier run, or an earlier row of this file: a duplicate); anything else
 * (400, 403, 409, 422, 429) is refused.
 *
 * `replayedFromEarlierRun`: the whole answer is a replay (Idempotent-Replayed) of a request this run did not
 * make (same file, same chunk key, an earlier run): its 201s were created by that run, so here they are
 * "existing" and a re-run reports `created 0`.
 */
export function outcomeOf(status: number, replayedFromEarlierRun = false): Outcome {
  if (status === 201) return replayedFromEarlierRun ? 'existing' : 'created';
  if (status === 200) return 'existing';
  return 'refused';
}

export function summaryLine(t: Tally): string {
  return `created ${t.created}, existing ${t.existing}, refused ${t.refused}`;
}

export function exitCodeOf(t: Tally): 0 | 2 {
  return t.refused > 0 ? 2 : 0;
}
