import 'reflect-metadata';
import { BootError, preflight, startApp } from './bootstrap';
import { ConfigError, loadBootConfig } from './config/config';
import { runMigrations } from './platform/database/data-source';
import { ensureDatabase } from './platform/database/ensure-database';

/** Entry: ROLE=api|worker|all. `migrate` (argv) only creates the database and runs migrations. */
async function main(): Promise<void> {
  if (process.argv[2] === 'migrate') {
    // needs only the database: no chain, Redis or secrets
    const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/payrail';
    await ensureDatabase(databaseUrl);
    const applied = await runMigrations(databaseUrl);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
    return;
  }
  // the key variables leave process.env here (loadBootConfig): from now on only the config holds them
  const config = loadBootConfig();
  const running = await startApp(await preflight(config));
  if (running.url) console.log(`Payrail (${config.role}) listening on ${running.url} — docs at ${running.url}/docs`);
  else console.log(`Payrail worker started${running.metricsUrl ? ` — metrics at ${running.metricsUrl}/metrics` : ''}`);
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      if (stopping) return;
      stopping = true;
      // stop taking work, let active jobs finish (leases protect the rest), exit within 30 s
      setTimeout(() => process.exit(1), 30_000).unref();
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof BootError) {
    console.error(`payrail: ${err.message}`);
  } else {
    console.error('payrail: failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
