import { DomainError } from '../../../platform/errors/domain-error';
import type { VerifyFailure } from './signature';

const DETAIL: Record<VerifyFailure | 'unknown_provider', string> = {
  missing_headers: 'The webhook is not signed: send webhook-id, webhook-timestamp and webhook-signature (or X-Signature).',
  bad_signature: 'The webhook signature does not match the body.',
  bad_timestamp: 'webhook-timestamp must be unix seconds.',
  stale_timestamp: 'webhook-timestamp is more than 300 s in the past.',
  future_timestamp: 'webhook-timestamp is more than 300 s in the future.',
  unknown_provider: 'No webhook secret is configured for this provider.',
};

/** 401: the webhook failed verification; nothing was stored. */
export class WebhookVerificationError extends DomainError {
  constructor(readonly reason: VerifyFailure | 'unknown_provider') {
    super('WEBHOOK.UNAUTHORIZED', DETAIL[reason]);
  }
}

export class WebhookEndpointNotFoundError extends DomainError {
  constructor(id: string) {
    super('WEBHOOK_ENDPOINT.NOT_FOUND', `No webhook endpoint with id ${id}`);
  }
}

/** 409: the key already has WEBHOOK_ENDPOINTS_MAX enabled endpoints (each event is one delivery per endpoint). */
export class WebhookEndpointLimitError extends DomainError {
  constructor(max: number) {
    super('WEBHOOK_ENDPOINT.LIMIT_REACHED', `This API key already has ${max} enabled webhook endpoints (WEBHOOK_ENDPOINTS_MAX).`);
  }
}

export class WebhookDeliveryNotFoundError extends DomainError {
  constructor(id: string) {
    super('WEBHOOK_DELIVERY.NOT_FOUND', `No delivery with id ${id} for this endpoint`);
  }
}

export class WebhookDeliveryInProgressError extends DomainError {
  constructor(id: string) {
    super('WEBHOOK_DELIVERY.IN_PROGRESS', `Delivery ${id} is still being attempted; redeliver it once it has succeeded or failed`);
  }
}

export class WebhookEndpointDisabledError extends DomainError {
  constructor(id: string) {
    super('WEBHOOK_ENDPOINT.DISABLED', `Webhook endpoint ${id} is disabled (it answered 410 Gone); register the URL again to receive events`);
  }
}
