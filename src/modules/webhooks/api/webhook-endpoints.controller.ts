import { uuidOr404 } from '../../../platform/http/ids';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ownerFilter, Principal, RequiresScope } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { CreateWebhookEndpointCommand } from '../commands/create-webhook-endpoint/create-webhook-endpoint.command';
import { RedeliverWebhookCommand } from '../commands/redeliver-webhook/redeliver-webhook.command';
import { WebhookDeliveryNotFoundError, WebhookEndpointNotFoundError } from '../domain/webhook.errors';
import { GetWebhookEndpointQuery } from '../queries/get-webhook-endpoint/get-webhook-endpoint.query';
import { ListWebhookDeliveriesQuery } from '../queries/list-webhook-deliveries/list-webhook-deliveries.query';
import {
  CreatedWebhookEndpointDto,
  CreateWebhookEndpointDto,
  DeliveryDto,
  DeliveryPageDto,
  ListDeliveriesDto,
  WebhookEndpointDto,
} from './webhook.dto';

const endpointId = (id: string) => uuidOr404(id, (shown) => new WebhookEndpointNotFoundError(shown));

@ApiTags('webhook-endpoints')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid API key' })
@RequiresScope('webhooks')
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint for outbound webhooks',
    description:
      'Events (claim.completed, claim.failed, claim.held, payout.submitted, cycle.completed) are POSTed as `{type, timestamp, data}` ' +
      'with Standard Webhooks headers signed with the returned secret; retried (now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, ' +
      '10 h, jittered) until a 2xx; a 410 disables the endpoint. Unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on, a URL on a ' +
      'loopback, private, link-local or reserved address (or localhost) is refused, and so is a delivery whose host ' +
      'resolves to one. An endpoint receives only the events of the claims and groups its own API key created; one ' +
      'registered with the admin token receives every client\'s events. At most WEBHOOK_ENDPOINTS_MAX (20) enabled ' +
      'endpoints per key. Another key\'s endpoint is a 404 on every route.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the key already has WEBHOOK_ENDPOINTS_MAX enabled endpoints (WEBHOOK_ENDPOINT.LIMIT_REACHED)' })
  create(@Body() body: CreateWebhookEndpointDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CreateWebhookEndpointCommand(body.url, body.events, who.name));
  }

  @Get(':id')
  @ApiOperation({ summary: 'An endpoint (without its secret)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetWebhookEndpointQuery(endpointId(id), ownerFilter(who)));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "The endpoint's delivery log, newest first, with every attempt" })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  deliveries(@Param('id') id: string, @Query() q: ListDeliveriesDto, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new ListWebhookDeliveriesQuery(endpointId(id), q.limit ?? 50, q.cursor, ownerFilter(who)));
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again now (same webhook-id and body), with a fresh retry schedule' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'an attempt is in flight, or the endpoint is disabled' })
  redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @CurrentPrincipal() who: Principal) {
    const delivery = uuidOr404(deliveryId, (shown) => new WebhookDeliveryNotFoundError(shown));
    return this.commands.execute(new RedeliverWebhookCommand(endpointId(id), delivery, ownerFilter(who)));
  }
}
