import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';

/**
 * A pooled client whose backend is terminated (Postgres restart, pg_terminate_backend) emits 'error'. The pool
 * listens while the client is idle and TypeORM while a query runner holds it, but not in the moments between
 * (handed out, not yet adopted): an 'error' event with no listener there ends the process. This listener is
 * always present and does nothing: the broken client's next query fails and the pool discards it.
 */
export function keepErrorsOffTheProcess(client: { on(event: 'error', fn: () => void): unknown }): void {
  client.on('error', () => undefined);
}

/** TypeORM options shared by the app, the migration runner and the CLI. `synchronize` is never on. */
export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // the app registers entities per module (autoLoadEntities); the CLI finds them by path
    entities: [join(__dirname, '..', '..', 'modules', '**', 'persistence', '*.entity.{js,ts}')],
    migrations: [join(__dirname, '..', '..', '..', 'migrations', '*.{js,ts}')],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, onConnect: keepErrorsOffTheProcess },
  };
}

/** Runs pending migrations under a session advisory lock, so several processes may boot at once. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['payrail:migrations']);
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', ['payrail:migrations']);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}

/** For the TypeORM CLI (`npm run migration:generate`). */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/payrail'),
);
