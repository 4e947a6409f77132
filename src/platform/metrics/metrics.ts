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
} as const;
