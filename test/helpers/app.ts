import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import { Client } from 'pg';
import { preflight, RunningApp, startApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/config';
import { devAccount } from '../../src/platform/chain/dev-accounts';
import { chainProvider } from './chain';

export const API_KEY = 'e2e-client-secret';
export const ADMIN_TOKEN = 'e2e-admin-token-at-least-32-characters';

function runEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} unset: run e2e tests through jest (npm test), whose global setup starts the dev chain`);
  return v;
}

/**
 * A slot is a test file's private world: its own database, treasury account (dev account N, funded with
 * ETH and USDC) and queue prefix. Slots are taken atomically (O_EXCL files), so parallel files never share.
 */
const { DEV_ACCOUNT_COUNT } = require('../../scripts/devchain-lib') as { DEV_ACCOUNT_COUNT: number };

export function takeSlot(): number {
  const dir = runEnv('PAYRAIL_E2E_DIR');
  for (let n = 1; n < DEV_ACCOUNT_COUNT; n++) {
    try {
      closeSync(openSync(join(dir, `slot-${n}`), 'wx'));
      return n;
    } catch {
      /* taken */
    }
  }
  throw new Error(`no free e2e slot (${DEV_ACCOUNT_COUNT - 1} dev accounts): too many e2e files in one run`);
}

export interface World {
  slot: number;
  env: Record<string, string>;
  databaseUrl: string;
  rpcUrl: string;
  devchain: { tokens: Record<string, { address: string; decimals: number }>; batchPayout: string };
  /** the first (or only) signer's key and address */
  treasuryKey: string;
  treasury: string;
  /** every active signer (one for a plain world; `newWorld({ signers: n })` gives a pool of n), first = treasury */
  treasuryKeys: string[];
  treasuries: string[];
}

/**
 * A new world. `signers` > 1 makes it a signer pool: the world's slot account plus `signers - 1` more slots
 * taken only for their dev accounts (fresh and funded like any slot, and never used by another file), handed
 * to the app as TREASURY_PRIVATE_KEYS (and TREASURY_PRIVATE_KEY left unset: setting both stops boot).
 */
export function newWorld(opts: { signers?: number } = {}): World {
  const slot = takeSlot();
  const run = runEnv('PAYRAIL_E2E_RUN');
  const dir = runEnv('PAYRAIL_E2E_DIR');
  const databaseUrl = `${runEnv('PAYRAIL_E2E_DB_BASE')}/payrail_e2e_${run}_${slot}`;
  const account = devAccount(slot);
  const lanes = [account, ...Array.from({ length: Math.max(1, opts.signers ?? 1) - 1 }, () => devAccount(takeSlot()))];
  const devchainFile = join(dir, 'devchain.json');
  const keyEnv: Record<string, string> =
    lanes.length > 1 ? { TREASURY_PRIVATE_KEYS: lanes.map((a) => a.privateKey).join(',') } : { TREASURY_PRIVATE_KEY: account.privateKey };
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: runEnv('PAYRAIL_E2E_REDIS'),
    CHAIN_RPC_URL: runEnv('PAYRAIL_E2E_RPC'),
    DEVCHAIN_FILE: devchainFile,
    ...keyEnv,
    QUEUE_PREFIX: `pr${run}s${slot}`,
    API_KEYS: `e2e:${API_KEY}`,
    ADMIN_TOKEN,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL || 'error',
    CONFIRM_POLL_MS: '250',
    // dev nodes call their head `finalized`: a few blocks keep the finality watch (and nonce re-issue) quick
    FINALITY_DEPTH: '4',
  };
  return {
    slot,
    env,
    databaseUrl,
    rpcUrl: env.CHAIN_RPC_URL!,
    devchain: JSON.parse(readFileSync(devchainFile, 'utf8')),
    treasuryKey: account.privateKey,
    treasury: account.address,
    treasuryKeys: lanes.map((a) => a.privateKey),
    treasuries: lanes.map((a) => a.address),
  };
}

export interface TestApp {
  url: string;
  config: AppConfig;
  running: RunningApp;
  close(): Promise<void>;
}

/** Boots the real app in this process (HTTP on a free port, workers per ROLE) on the world's services. */
export async function bootApp(world: World, overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = { ...world.env, ...overrides };
  const config = await preflight(loadConfig(env), () => undefined);
  const running = await startApp(config);
  return { url: running.url ?? '', config, running, close: () => running.close() };
}

/** What `useWorld` fills in before the file's first test (its fields are read inside tests and hooks). */
export interface BootedWorld {
  readonly world: World;
  readonly app: TestApp;
}

/** `useWorld(overrides, { provider: true })`: also a JSON-RPC provider on the world's dev chain. */
export interface BootedChainWorld extends BootedWorld {
  readonly provider: JsonRpcProvider;
}

/**
 * The usual e2e set-up, called inside `describe`: a new world and one app booted on it (with `overrides`)
 * in beforeAll, and optionally a chain provider; in afterAll the app is closed and the provider destroyed
 * (whichever of them exists, also when a test or the boot failed). Reading a field before beforeAll has
 * filled it throws an error that says why (the boot's own error, or "read it inside a test or hook").
 * Files that boot several apps or spawn processes use `newWorld`/`bootApp`/`spawnApp` by hand.
 */
export function useWorld(overrides?: Record<string, string>, opts?: { provider?: false }): BootedWorld;
export function useWorld(overrides: Record<string, string>, opts: { provider: true }): BootedChainWorld;
export function useWorld(overrides: Record<string, string> = {}, opts: { provider?: boolean } = {}): BootedChainWorld {
  let world: World | undefined;
  let app: TestApp | undefined;
  let provider: JsonRpcProvider | undefined;
  let bootError: unknown;

  beforeAll(async () => {
    try {
      world = newWorld();
      app = await bootApp(world, overrides);
      if (opts.provider) provider = chainProvider(world);
    } catch (err) {
      bootError = err;
      throw err;
    }
  });
  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      provider?.destroy();
    }
  });

  const ready = <T>(value: T | undefined, name: string): T => {
    if (value !== undefined) return value;
    if (bootError !== undefined) {
      const why = bootError instanceof Error ? bootError.message : String(bootError);
      throw new Error(`useWorld: no ${name}, the set-up in beforeAll failed: ${why}`, { cause: bootError });
    }
    if (name === 'provider' && app && !opts.provider) throw new Error('useWorld: no provider, pass { provider: true }');
    throw new Error(`useWorld: no ${name} yet: read it inside a test or hook, not while the describe body is collected`);
  };
  return {
    get world() {
      return ready(world, 'world');
    },
    get app() {
      return ready(app, 'app');
    },
    get provider() {
      return ready(provider, 'provider');
    },
  };
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Real HTTP against the app. `auth`: the client key by default, 'admin', or null for none. */
export async function http<T = any>(
  app: { url: string },
  method: string,
  path: string,
  body?: unknown,
  opts: { auth?: 'client' | 'admin' | null | string; headers?: Record<string, string>; raw?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? 'client' : opts.auth;
  if (auth === 'client') headers.authorization = `Bearer ${API_KEY}`;
  else if (auth === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  else if (typeof auth === 'string') headers.authorization = `Bearer ${auth}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + path, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Direct SQL on the world's database, for assertions on row counts and sums. */
export async function sql<T = any>(world: World, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: world.databaseUrl });
  // a backend terminated under it (the Postgres-kill tests) rejects the query; its later 'error' event
  // ("Connection terminated unexpectedly", emitted before `end()` runs) must not crash the test process
  c.on('error', () => undefined);
  await c.connect().catch((err: Error) => {
    throw new Error(`${err.message} (connecting to ${world.databaseUrl} for: ${text.slice(0, 80)})`);
  });
  try {
    return (await c.query(text, params)).rows as T[];
  } catch (err) {
    throw new Error(`${(err as Error).message} (in: ${text.slice(0, 120)})`);
  } finally {
    await c.end();
  }
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
