// Stops the run's dev chain and removes the run's databases and Redis keys.
'use strict';
const fs = require('node:fs');
const { Client } = require('pg');

module.exports = async function globalTeardown() {
  const state = globalThis.__PAYRAIL_E2E__;
  if (!state) return;
  await state.chain.stop().catch(() => undefined);
  const c = new Client({ connectionString: `${state.databaseBase}/postgres` });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`payrail_e2e_${state.runId}_%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
  const IORedis = require('ioredis');
  const r = new IORedis(state.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `pr${state.runId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  if (process.env.PAYRAIL_E2E_KEEP !== '1') fs.rmSync(state.dir, { recursive: true, force: true });
};
