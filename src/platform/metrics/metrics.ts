/**
 * Every Prometheus metric Payrail exports, named once (API.md "Health and metrics"). Inject with
 * `@InjectMetric(METRIC.x)`; providers live in MetricsModule.
 */
export const METRIC = {
  httpDuration: 'http_request_duration_seconds',
  claims: 'payrail_claims_total',
  settlementDuration: 'payrail_settlement_duration_seconds',
  queueDepth: 'payrail_queue_depth',
  ledgerImbalance: 'payrail_ledger_imbalance',
  signerBalance: 'payrail_signer_balance',
  nonceResyncs: 'payrail_nonce_resyncs_total',
  txReplacements: 'payrail_tx_replacements_total',
  webhookVerificationFailures: 'webhook_verification_failures_total',
  authFailures: 'payrail_auth_failures_total',
  // operations surface beyond the contract's list
  processingLag: 'payrail_claims_processing_lag_seconds',
  queueJobs: 'payrail_queue_jobs',
  jobDuration: 'payrail_job_duration_seconds',
  jobFailures: 'payrail_job_failures_total',
  ledgerDrift: 'payrail_ledger_drift_base',
  nonceLag: 'payrail_nonce_lag',
  nonceGap: 'payrail_nonce_gap',
  reconcileLastSuccess: 'payrail_reconcile_last_success_timestamp_seconds',
  claimsDeadLettered: 'payrail_claims_dead_lettered',
  payoutsPaused: 'payrail_payouts_paused',
  oldestHeld: 'payrail_claims_oldest_held_seconds',
  denylistHits: 'payrail_denylist_hits_total',
  programRemaining: 'payrail_program_remaining',
} as const;

/** The names API.md promises on /metrics (checked by the contract test). */
export const CONTRACT_METRICS = [
  METRIC.httpDuration,
  METRIC.claims,
  METRIC.settlementDuration,
  METRIC.queueDepth,
  METRIC.ledgerImbalance,
  METRIC.signerBalance,
  METRIC.nonceResyncs,
  METRIC.txReplacements,
  METRIC.webhookVerificationFailures,
] as const;
