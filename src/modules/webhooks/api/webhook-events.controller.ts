import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly } from '../../../platform/auth/auth.guard';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { ListWebhookEventsQuery } from '../queries/list-webhook-events/list-webhook-events.query';
import { ListWebhookEventsDto, WebhookEventPageDto } from './webhook.dto';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
@ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of the admin token' })
@Controller('v1/admin/webhook-events')
export class WebhookEventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Inbound webhook events with their status (received, processed, rejected + reason, failed + error, ignored)' })
  @ApiOkResponse({ type: WebhookEventPageDto })
  list(@Query() q: ListWebhookEventsDto) {
    return this.queries.execute(new ListWebhookEventsQuery(q.limit ?? 50, q.provider, q.status, q.cursor));
  }
}
