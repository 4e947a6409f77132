import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docker/alerts.yml is checked and unit-tested by Prometheus's own promtool (`promtool check rules`, then
 * `promtool test rules docker/alerts.test.yml`), so an expression that parses but never fires, or fires with
 * the wrong labels or text, fails `npm test`. promtool is required, not optional: `.ci/run` installs Debian's
 * `prometheus` package when it is absent, and a machine without it fails here saying so.
 * The cases themselves are checked too: every alert needs one case where it fires and one where it stays quiet.
 */
const root = join(__dirname, '..', '..');
const rulesFile = 'docker/alerts.yml';
const testFile = 'docker/alerts.test.yml';

function promtool(...args: string[]): void {
  const r = spawnSync('promtool', args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('promtool not found: install the prometheus package (`apt-get install -y prometheus`, as .ci/run does)');
  }
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`promtool ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
  }
}

describe('alert rules (promtool)', () => {
  it('promtool check rules docker/alerts.yml', () => {
    promtool('check', 'rules', rulesFile);
  });

  it('promtool test rules docker/alerts.test.yml', () => {
    promtool('test', 'rules', testFile);
  });

  it('every alert has a case where it fires and one where it does not', () => {
    const alerts = (parse(readFileSync(join(root, rulesFile), 'utf8')).groups as { rules: { alert?: string }[] }[])
      .flatMap((g) => g.rules)
      .map((r) => r.alert)
      .filter((a): a is string => !!a);
    const cases = (parse(readFileSync(join(root, testFile), 'utf8')).tests as { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[])
      .flatMap((t) => t.alert_rule_test ?? []);
    const missing: string[] = [];
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) missing.push(`${alert}: no case where it fires`);
      if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) missing.push(`${alert}: no case where it stays quiet`);
    }
    expect(missing).toEqual([]);
    expect(alerts.length).toBeGreaterThan(0);
  });
});
