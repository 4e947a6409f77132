import { Client } from 'pg';

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-zA-Z0-9_-]{1,63}$/.test(name)) throw new Error(`DATABASE_URL: unsupported database name "${name}"`);
  return name;
}

/** Creates the database named in `url` when it does not exist yet (connecting to the `postgres` database). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  // a connection lost mid-query rejects that query; the 'error' event that follows must not crash the process
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // 42P04: created concurrently by another process; 23505: same race seen through pg_database
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}
