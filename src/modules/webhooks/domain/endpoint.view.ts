import type { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from '../persistence/webhook.entity';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
}

export function toEndpointView(e: WebhookEndpointEntity): EndpointView {
  return { id: e.id, url: e.url, events: e.events, status: e.status, disabledReason: e.disabledReason, createdAt: iso(e.createdAt)! };
}

export interface AttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventType: string;
  /** the `webhook-id` header: the same on every attempt and redelivery */
  webhookId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
  attemptLog: AttemptView[];
}

export function toDeliveryView(d: WebhookDeliveryEntity, attempts: WebhookDeliveryAttemptEntity[]): DeliveryView {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventType: d.eventType,
    webhookId: d.messageId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: iso(d.createdAt)!,
    deliveredAt: iso(d.deliveredAt),
    payload: JSON.parse(d.payload) as unknown,
    attemptLog: attempts.map((a) => ({ attempt: a.attempt, at: iso(a.at)!, statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
  };
}

export interface WebhookEventView {
  id: string;
  provider: string;
  eventId: string;
  type: string;
  scheme: string;
  status: string;
  reason: string | null;
  error: string | null;
  attempts: number;
  receivedAt: string;
  processedAt: string | null;
  payload: unknown;
}

export function toWebhookEventView(e: WebhookEventEntity): WebhookEventView {
  return {
    id: e.id,
    provider: e.provider,
    eventId: e.eventId,
    type: e.type,
    scheme: e.scheme,
    status: e.status,
    reason: e.reason,
    error: e.error,
    attempts: e.attempts,
    receivedAt: iso(e.receivedAt)!,
    processedAt: iso(e.processedAt),
    payload: e.payload,
  };
}
