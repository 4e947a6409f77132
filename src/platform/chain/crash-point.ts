import type { CrashPoint } from '../../config/config';

/**
 * Test-only fault injection: with PAYRAIL_CRASH_AT set (refused in production by config), the process
 * kills itself with SIGKILL at that point, once, as a real crash would: no cleanup, no finally blocks.
 */
export function crashIf(configured: CrashPoint | null, here: CrashPoint): void {
  if (configured === here) {
    process.stderr.write(`payrail: crash point ${here} reached, SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
