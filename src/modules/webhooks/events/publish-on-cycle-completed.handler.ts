import { Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ClsService } from 'nestjs-cls';
import { CycleCompletedEvent } from '../../cycles/events/cycle-completed.event';
import { WebhookEndpointsRepository } from '../persistence/webhook-endpoints.repository';
import { PublishWebhookEventCommand } from '../commands/publish-webhook-event/publish-webhook-event.command';

/** A completed cycle: `cycle.completed` with `{groupId, cycle, claimId, wallet, token, amount, amountBase}`. */
@EventsHandler(CycleCompletedEvent)
export class PublishOnCycleCompletedHandler implements IEventHandler<CycleCompletedEvent> {
  private readonly logger = new Logger('WebhookOutbox');

  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    private readonly repo: WebhookEndpointsRepository,
  ) {}

  async handle(e: CycleCompletedEvent): Promise<void> {
    await this.cls.run(async () => {
      try {
        const data = { groupId: e.groupId, cycle: e.cycle, claimId: e.claimId, wallet: e.wallet, token: e.token, amount: e.amount, amountBase: e.amountBase };
        const owners = await this.repo.ownersOfGroup(e.groupId);
        await this.commands.execute(new PublishWebhookEventCommand('cycle.completed', `cycle.completed:${e.groupId}:${e.cycle}`, data, owners));
      } catch (err) {
        this.logger.warn(`outbound webhook for cycle ${e.cycle} of group ${e.groupId} not created: ${(err as Error).message}`);
      }
    });
  }
}
