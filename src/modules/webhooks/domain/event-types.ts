/** Inbound event types Payrail acts on; any other type is stored as `ignored` (202). */
export const INBOUND_EVENT_TYPES = ['contribution.settled'] as const;
export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];

export function isInboundEventType(type: string): type is InboundEventType {
  return (INBOUND_EVENT_TYPES as readonly string[]).includes(type);
}

export const WEBHOOK_EVENT_STATUSES = ['received', 'processed', 'rejected', 'failed', 'ignored'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/** Outbound event types clients may subscribe an endpoint to. */
export const OUTBOUND_EVENT_TYPES = ['claim.completed', 'claim.failed', 'claim.held', 'payout.submitted', 'cycle.completed'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

export const DELIVERY_STATUSES = ['pending', 'sending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
