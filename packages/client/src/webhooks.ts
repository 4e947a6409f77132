import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { Claim, Payout } from './types';

/**
 * Outbound events (README "Outbound webhooks"): the body is `{type, timestamp, data}`, signed with Standard
 * Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and the endpoint's `whsec_` secret.
 * These bodies are not part of the OpenAPI document (Payrail sends them), hence written here.
 */
interface Envelope<T extends string, D> {
  type: T;
  /** ISO 8601, when the event was created (each attempt's signing time is `webhook-timestamp`) */
  timestamp: string;
  data: D;
}
export type CycleCompleted = { groupId: string; cycle: number; claimId: string; wallet: string; token: string; amount: string; amountBase: string };
export type WebhookEvent =
  | Envelope<'claim.completed' | 'claim.failed' | 'claim.held', Claim>
  | Envelope<'payout.submitted', Payout>
  | Envelope<'cycle.completed', CycleCompleted>;
export type WebhookEventType = WebhookEvent['type'];

export { WebhookVerificationError };

/** Headers as a Fetch `Headers`, Node's `IncomingHttpHeaders` or a plain record (any case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(' '); // several signature headers = one list
  }
  return out;
}

/**
 * Verifies a delivery and returns its event, or throws `WebhookVerificationError` (missing headers, no valid
 * signature, a timestamp more than 5 minutes off). `rawBody` must be the exact bytes received: a body parsed
 * and serialised again no longer matches its signature. Deduplicate on the `webhook-id` header: a retried
 * delivery repeats it with the same body.
 */
export function verifyWebhook(secret: string, headers: WebhookHeaders, rawBody: string | Uint8Array): WebhookEvent {
  // the library signs `id.timestamp.body` as text too; decoding here keeps the client free of Node's Buffer
  const payload = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const event = new Webhook(secret).verify(payload, plainHeaders(headers)) as WebhookEvent | undefined;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') throw new WebhookVerificationError('The body is not a Payrail event');
  return event;
}
