import type { EntityManager } from 'typeorm';

/**
 * Runs SQL on the current transaction's manager and returns the rows. TypeORM's Postgres driver answers
 * UPDATE/DELETE with `[rows, rowCount]` but SELECT/INSERT with `rows`; this evens that out.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const out: unknown = await manager.query(sql, params);
  if (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number') return out[0] as T[];
  return out as T[];
}
