/**
 * The lock step of cycle completion, as an injectable strategy. The production implementation
 * (`AdvisoryCycleLock`) takes `pg_advisory_xact_lock(<64-bit key of the group>)` and then the group's row
 * with `SELECT ... FOR UPDATE`, both released at commit or rollback. Tests replace it with a no-op to show
 * that UNIQUE (group_id, cycle_number) on cycle payouts alone still prevents a second payout.
 */
export abstract class CycleLock {
  /** Serialises completions of `groupId` until the current transaction ends. */
  abstract acquire(groupId: string): Promise<void>;
}
