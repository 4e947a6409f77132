import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { World } from './app';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js'); // built by the e2e global setup

// eslint-disable-next-line @typescript-eslint/no-require-imports
const devchainLib = require('../../scripts/devchain-lib') as { freePort(): Promise<number> };

/** A TCP port free on 127.0.0.1 (one implementation, in scripts/devchain-lib.js). */
export const freePort = (): Promise<number> => devchainLib.freePort();

export interface AppProcess {
  proc: ChildProcess;
  /** http://127.0.0.1:<port> for api/all roles */
  url: string;
  output(): string;
  /** resolves with the exit code (or signal name) */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Runs the real app (`node dist/src/main.js`) as its own process on the world's services, and resolves
 * once it says it is up. A process that dies on its own (a crash point) resolves `exited`.
 */
export async function spawnApp(world: World, env: Record<string, string> = {}, waitForReady = true): Promise<AppProcess> {
  const port = env.PORT ?? String(await freePort());
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...world.env, PORT: port, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const app: AppProcess = {
    proc,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  if (waitForReady) {
    const deadline = Date.now() + 60_000;
    while (!/listening on|worker started/.test(out)) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`app exited before it was ready:\n${out}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`app not ready after 60 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return app;
}

/**
 * Runs the real entry point once (ts-node, transpile only) with exactly `env` (plus PATH, HOME and LOG_LEVEL
 * error), for boots that must fail: its exit code and output. Killed after 60 s.
 */
export function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'main.ts')], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'error', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
