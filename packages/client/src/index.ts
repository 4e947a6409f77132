/**
 * @payrail/client: a typed client for the Payrail API. The types are generated from the API's OpenAPI
 * document (`npm run openapi:generate` writes openapi.json and schema.d.ts); the rest is written by hand:
 * automatic Idempotency-Key and safe retries (retry.ts), cursor iteration (client.ts), and Standard
 * Webhooks verification of outbound events (webhooks.ts).
 */
export { createPayrailClient } from './client';
export type { PayrailClient, PayrailClientOptions, PagedPath, PageItem, PageParams } from './client';
export { PayrailError } from './errors';
export { IDEMPOTENCY_HEADER, IN_FLIGHT_CODE, backoffDelay, parseRetryAfter, retryingFetch } from './retry';
export type { FetchLike, RetryEvent, RetryOptions } from './retry';
export { verifyWebhook, WebhookVerificationError } from './webhooks';
export type { CycleCompleted, WebhookEvent, WebhookEventType, WebhookHeaders } from './webhooks';
export type * from './types';
export type { components, operations, paths } from './schema';
