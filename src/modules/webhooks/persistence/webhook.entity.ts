import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeliveryStatus, WebhookEventStatus } from '../domain/event-types';

/** Schema: migrations/1732510000000-WebhooksAndCycles.ts. Reads and writes go through the repositories (SQL). */
@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') provider: string;
  @Column('text', { name: 'event_id' }) eventId: string;
  @Column('text') type: string;
  @Column('text') scheme: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('text') status: WebhookEventStatus;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('int') attempts: number;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  @Column('timestamptz', { name: 'processed_at', nullable: true }) processedAt: Date | null;
}

@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') url: string;
  @Column('text', { array: true }) events: string[];
  @Column('text') secret: string;
  @Column('text') status: 'enabled' | 'disabled';
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  @Column('text', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'endpoint_id' }) endpointId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('text', { name: 'event_key' }) eventKey: string;
  @Column('text', { name: 'message_id' }) messageId: string;
  /** the exact body sent on every attempt */
  @Column('text') payload: string;
  @Column('text') status: DeliveryStatus;
  @Column('int') attempts: number;
  @Column('int', { name: 'run_attempts' }) runAttempts: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column('int', { name: 'last_status_code', nullable: true }) lastStatusCode: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
}

@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttemptEntity {
  @PrimaryColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'delivery_id' }) deliveryId: string;
  @Column('int') attempt: number;
  @Column('timestamptz') at: Date;
  @Column('int', { name: 'status_code', nullable: true }) statusCode: number | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('int', { name: 'duration_ms' }) durationMs: number;
}
