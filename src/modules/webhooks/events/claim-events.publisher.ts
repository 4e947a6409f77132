import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ClsService } from 'nestjs-cls';
import type { ClaimView } from '../../claims/domain/claim.view';
import { GetClaimQuery } from '../../claims/queries/get-claim/get-claim.query';
import { PublishWebhookEventCommand } from '../commands/publish-webhook-event/publish-webhook-event.command';
import { OutboundEventType } from '../domain/event-types';
import { WebhookEndpointsRepository } from '../persistence/webhook-endpoints.repository';

/**
 * Outbound events about claims, one per claim, with the claim (as GET /v1/claims/:id shows it) as data, to the
 * keys that own it. Nothing is read when no endpoint subscribes to any of `types`. `pick` says, from the claim's
 * state now, which event (and event identity) it gets, or none. Best effort after the commit that caused it: a
 * failure is logged per claim, never thrown into the caller.
 */
@Injectable()
export class ClaimEventsPublisher {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly cls: ClsService,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async publish(claimIds: readonly string[], types: OutboundEventType[], pick: (claim: ClaimView) => { type: OutboundEventType; id: string } | null): Promise<void> {
    await this.cls.run(async () => {
      if (claimIds.length === 0) return;
      try {
        if (!(await this.repo.anySubscribed(types))) return;
      } catch (err) {
        this.logger.warn(`${types.join('/')} webhooks not created: ${(err as Error).message}`);
        return;
      }
      for (const claimId of claimIds) {
        try {
          const claim = await this.queries.execute(new GetClaimQuery(claimId));
          const event = pick(claim);
          if (!event) continue;
          const owners = await this.repo.ownersOfClaims([claimId]);
          await this.commands.execute(new PublishWebhookEventCommand(event.type, event.id, claim, owners));
        } catch (err) {
          this.logger.warn(`outbound webhook for claim ${claimId} not created: ${(err as Error).message}`);
        }
      }
    });
  }
}
