import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../../platform/auth/auth.guard';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { WebhookRateLimits } from '../../../platform/rate-limit/webhook-limits';
import { WebhookVerificationError } from '../domain/webhook.errors';
import { ReceiveWebhookCommand } from '../commands/receive-webhook/receive-webhook.command';
import { WebhookReceivedDto } from './webhook.dto';

/** Inbound webhooks: authenticated by signature only. The body is NOT bound to a DTO: the raw bytes are verified first. */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly limits: WebhookRateLimits,
  ) {}

  @Post(':provider')
  @Public()
  @ApiOperation({
    summary: 'Receive a signed provider webhook (e.g. contribution.settled)',
    description:
      'Verified on the raw bytes before anything is parsed: Standard Webhooks v1 (webhook-id, webhook-timestamp, ' +
      'webhook-signature `v1,<base64>` list; 300 s tolerance) or legacy `X-Signature: sha256=<hex>`, with any of the ' +
      "provider's WEBHOOK_SECRETS. Stored once per (provider, event id), then processed asynchronously.",
  })
  @ApiHeader({ name: 'webhook-id', required: false })
  @ApiHeader({ name: 'webhook-timestamp', required: false, description: 'unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: false, description: 'space-separated `v1,<base64 HMAC-SHA256>` entries' })
  @ApiHeader({ name: 'x-signature', required: false, description: 'legacy: `sha256=<hex HMAC-SHA256 of the raw body>`' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['id', 'type'],
      properties: {
        id: { type: 'string', example: 'evt_123' },
        type: { type: 'string', example: 'contribution.settled' },
        data: {
          type: 'object',
          example: { groupId: '6f1c2f0e-3a55-4b8e-9d43-2f4c1d0b9a77', cycle: 1, wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amount: '25', token: 'USDC' },
        },
      },
    },
  })
  @ApiOkResponse({ type: WebhookReceivedDto, description: 'stored and queued, or `duplicate: true` (same event id: no second effect)' })
  @ApiAcceptedResponse({ type: WebhookReceivedDto, description: 'unknown event type: stored as `ignored`' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid signature, timestamp outside 300 s, unknown provider; nothing stored' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'authentic but not an event envelope {id, type}' })
  async receive(
    @Param('provider') provider: string,
    @Req() req: FastifyRequest & { rawBody?: Buffer },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // an IP that keeps failing verification is refused before any work (webhooks are exempt from the `ip` budget)
    await this.limits.refuseIfFailing(req.ip);
    let result;
    try {
      result = await this.commands.execute(new ReceiveWebhookCommand(provider, req.headers, req.rawBody ?? Buffer.alloc(0)));
    } catch (err) {
      if (err instanceof WebhookVerificationError) await this.limits.recordFailure(req.ip);
      throw err;
    }
    void reply.status(result.httpStatus).headers(result.headers ?? {});
    return result.body;
  }
}
