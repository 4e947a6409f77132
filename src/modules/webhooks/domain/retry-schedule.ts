/**
 * Outbound delivery schedule (Standard Webhooks): attempts immediately, then after 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h — configurable (WEBHOOK_RETRY_SCHEDULE) so tests can use short delays. Every delay is
 * jittered by ±10% so endpoints recovering from an outage are not hit by every retry at the same instant.
 */
export const JITTER = 0.1;

/** The delay before attempt `attemptsMade + 1` of the current run, or null when the schedule is exhausted. */
export function nextDelayMs(schedule: number[], attemptsMade: number, random: () => number = Math.random): number | null {
  if (attemptsMade >= schedule.length) return null;
  return jittered(schedule[attemptsMade]!, random);
}

export function jittered(delayMs: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (1 - JITTER + 2 * JITTER * random())));
}
