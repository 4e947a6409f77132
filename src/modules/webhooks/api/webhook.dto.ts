import { PageQueryDto } from '../../../platform/http/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OUTBOUND_EVENT_TYPES, WEBHOOK_EVENT_STATUSES, WebhookEventStatus } from '../domain/event-types';

export class WebhookReceivedDto {
  @ApiProperty({ example: true }) received: boolean;
  @ApiProperty({ format: 'uuid', description: 'the stored event (GET /v1/admin/webhook-events)' }) id: string;
  @ApiProperty({ description: 'true when this event id was already received: nothing happened a second time' }) duplicate: boolean;
  @ApiPropertyOptional({ description: 'true (202) for an event type Payrail does not act on; it is stored as `ignored`' }) ignored?: boolean;
  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_STATUSES, description: 'on a duplicate: the stored event status' }) status?: string;
}

export class ListWebhookEventsDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'acme' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be a provider name (letters, digits, _ . -)' })
  provider?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_STATUSES as unknown as string[], { message: `must be one of ${WEBHOOK_EVENT_STATUSES.join(', ')}` })
  status?: WebhookEventStatus;

}

export class WebhookEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) provider: string;
  @ApiProperty({ example: 'evt_123', description: "the provider's event id (unique per provider)" }) eventId: string;
  @ApiProperty({ example: 'contribution.settled' }) type: string;
  @ApiProperty({ enum: ['standard', 'legacy'] }) scheme: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'why it was rejected or ignored' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the last processing error (status failed: attempts exhausted)' }) error: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) processedAt: string | null;
  @ApiProperty({ type: Object }) payload: Record<string, unknown>;
}

export class WebhookEventPageDto {
  @ApiProperty({ type: [WebhookEventDto] }) items: WebhookEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/payrail/webhooks', description: 'http(s) URL that receives signed POSTs' })
  @IsString({ message: 'must be a URL string' })
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  @Matches(/^https?:\/\//i, { message: 'must be an http or https URL' })
  url: string;

  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES, isArray: true, example: ['claim.completed', 'claim.failed'] })
  @IsArray({ message: 'must be an array of event types' })
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @ArrayMaxSize(OUTBOUND_EVENT_TYPES.length * 2)
  @IsIn(OUTBOUND_EVENT_TYPES as unknown as string[], { each: true, message: `each must be one of ${OUTBOUND_EVENT_TYPES.join(', ')}` })
  events: string[];
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ enum: ['enabled', 'disabled'], description: 'an endpoint answering 410 Gone is disabled' }) status: string;
  @ApiProperty({ nullable: true, type: String }) disabledReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'signing secret (Standard Webhooks); shown only once' })
  secret: string;
}

export class ListDeliveriesDto extends PageQueryDto {
}

class AttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ nullable: true, type: Number, example: 503 }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'HTTP 503' }) error: string | null;
  @ApiProperty({ example: 12 }) durationMs: number;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES }) eventType: string;
  @ApiProperty({ example: 'msg_2b6f…', description: 'the webhook-id header, the same on every attempt' }) webhookId: string;
  @ApiProperty({ enum: ['pending', 'sending', 'succeeded', 'failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt: string | null;
  @ApiProperty({ type: Object, description: 'the body sent: {type, timestamp, data}' }) payload: Record<string, unknown>;
  @ApiProperty({ type: [AttemptDto] }) attemptLog: AttemptDto[];
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
