import { loadConfig } from '../../../config/config';
import { jittered, nextDelayMs } from './retry-schedule';

const env = (extra: Record<string, string> = {}) => ({
  CHAIN_RPC_URL: 'http://127.0.0.1:8545',
  TOKENS: 'USDC:0x5FbDB2315678afecb367f032d93F642f64180aa3:6',
  DEVCHAIN_FILE: '/nonexistent/payrail-unit-test/.devchain.json',
  ...extra,
});

describe('WEBHOOK_RETRY_SCHEDULE', () => {
  it('defaults to the Standard Webhooks schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    expect(loadConfig(env()).webhookRetryScheduleMs).toEqual([0, 5 * s, 5 * m, 30 * m, 2 * h, 5 * h, 10 * h, 10 * h]);
    expect(loadConfig(env()).webhookDeliveryTimeoutMs).toBe(10_000);
  });

  it('takes ms, s, m and h units (a bare number is ms)', () => {
    expect(loadConfig(env({ WEBHOOK_RETRY_SCHEDULE: '0, 250ms,300,2s,1m,1h' })).webhookRetryScheduleMs).toEqual([0, 250, 300, 2000, 60_000, 3_600_000]);
  });

  it.each(['5x', '-1', '1.5s', '', 'a,b'])('refuses %j with a line naming the key', (raw) => {
    if (raw === '') return expect(loadConfig(env({ WEBHOOK_RETRY_SCHEDULE: raw })).webhookRetryScheduleMs).toHaveLength(8);
    expect(() => loadConfig(env({ WEBHOOK_RETRY_SCHEDULE: raw }))).toThrow(/^WEBHOOK_RETRY_SCHEDULE: /);
  });

  it('refuses more than 20 attempts and delays over 7 days', () => {
    expect(() => loadConfig(env({ WEBHOOK_RETRY_SCHEDULE: Array(21).fill('1s').join(',') }))).toThrow(/at most 20/);
    expect(() => loadConfig(env({ WEBHOOK_RETRY_SCHEDULE: '0,169h' }))).toThrow(/at most 7 days/);
  });
});

describe('nextDelayMs / jittered', () => {
  const schedule = [0, 5000, 300_000];

  it('follows the schedule and ends after its last entry', () => {
    expect(nextDelayMs(schedule, 0, () => 0.5)).toBe(0);
    expect(nextDelayMs(schedule, 1, () => 0.5)).toBe(5000);
    expect(nextDelayMs(schedule, 2, () => 0.5)).toBe(300_000);
    expect(nextDelayMs(schedule, 3, () => 0.5)).toBeNull();
  });

  it('jitters by at most ±10%', () => {
    expect(jittered(10_000, () => 0)).toBe(9000);
    expect(jittered(10_000, () => 0.999999)).toBe(11_000);
    for (let i = 0; i < 1000; i++) {
      const d = jittered(300_000);
      expect(d).toBeGreaterThanOrEqual(270_000);
      expect(d).toBeLessThanOrEqual(330_000);
    }
    expect(jittered(0)).toBe(0);
  });
});
