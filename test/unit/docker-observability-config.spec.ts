import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRIC } from '../../src/platform/metrics/metrics';

/**
 * docker/prometheus.yml, docker/alerts.yml and docker/grafana-dashboard.json parse, have the required
 * alerts and panels, and name only metrics the app exports (a renamed metric breaks this test).
 */
const dir = join(__dirname, '..', '..', 'docker');
const exported = new Set<string>(Object.values(METRIC));
const metricNames = (expr: string) =>
  (expr.match(/\b(?:payrail_[a-z0-9_]+|http_request_duration_seconds[a-z_]*|webhook_verification_failures_total)\b/g) ?? []).map((m) =>
    m.replace(/_(bucket|count|sum)$/, ''),
  );

describe('docker observability config', () => {
  it('prometheus.yml scrapes /metrics and loads the alert rules', () => {
    const cfg = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
    expect(cfg.rule_files).toContain('/etc/prometheus/alerts.yml');
    const job = cfg.scrape_configs.find((j: { job_name: string }) => j.job_name === 'payrail');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0].targets.length).toBeGreaterThan(0);
  });

  it('alerts.yml has the required rules, each on exported metrics', () => {
    const rules = parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')).groups.flatMap((g: { rules: unknown[] }) => g.rules) as {
      alert: string;
      expr: string;
      labels: { severity: string };
      annotations: { summary: string };
    }[];
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
    expect(byName.PayrailProcessingLag!.expr).toMatch(/payrail_claims_processing_lag_seconds\) > 300/);
    expect(byName.PayrailFailedClaims!.expr).toMatch(/payrail_claims_total\{status="failed"\}\) > 0/);
    expect(byName.PayrailLedgerDrift!.expr).toMatch(/payrail_ledger_drift_base.*!= 0/);
    expect(byName.PayrailSignerBalanceLow!.expr).toMatch(/payrail_signer_balance\{token="ETH"\}/);
    expect(byName.PayrailDeadLetterNotEmpty!.expr).toMatch(/payrail_queue_depth\{queue="dead-letter"\}\) > 0/);
    expect(byName.PayrailWebhookVerificationFailures!.expr).toMatch(/increase\(webhook_verification_failures_total\[5m\]\)/);
    // seed 000's other two: health not healthy, rate1m < 1 while pending > 10
    expect(byName.PayrailHealthDegraded!.expr).toMatch(/payrail_claims_processing_lag_seconds\) >= 300/);
    expect(byName.PayrailCompletionRateLow!.expr).toMatch(/delta\(payrail_claims_total\{status="completed"\}\[1m\]\)\) < 1\s+and max\(payrail_claims_total\{status="pending"\}\) > 10/);
    // issue 14: paused payouts, held claims waiting too long, denylist hits
    expect(byName.PayrailPayoutsPaused!.expr).toMatch(/payrail_payouts_paused\) > 0/);
    expect(byName.PayrailClaimHeldTooLong!.expr).toMatch(/payrail_claims_oldest_held_seconds\) > 3600/);
    expect(byName.PayrailDenylistHit!.expr).toMatch(/increase\(payrail_denylist_hits_total\[10m\]\)\) > 0/);
    for (const r of rules) {
      expect(r.labels.severity).toMatch(/^(page|warn)$/);
      expect(r.annotations.summary).toBeTruthy();
      const names = metricNames(r.expr);
      // `up` is Prometheus's own per-target series (PayrailDown), not one the app exports
      if (!/\bup\{job="payrail"\}/.test(r.expr)) expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(exported).toContain(n);
    }
  });

  it('grafana-dashboard.json has the required panels, each on exported metrics', () => {
    const dash = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8'));
    const exprs: string[] = dash.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
    const all = exprs.join('\n');
    expect(all).toContain('payrail_claims_processing_lag_seconds'); // lag
    expect(all).toMatch(/delta\(payrail_claims_total\{status="completed"\}/); // rate
    expect(all).toContain('payrail_queue_depth');
    expect(all).toMatch(/histogram_quantile\(0\.5, .*payrail_settlement_duration_seconds_bucket/);
    expect(all).toMatch(/histogram_quantile\(0\.99, .*payrail_settlement_duration_seconds_bucket/);
    expect(all).toContain('payrail_ledger_drift_base');
    expect(all).toContain('payrail_signer_balance');
    for (const e of exprs) for (const n of metricNames(e)) expect(exported).toContain(n);
    const ids = dash.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
