import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { WebhookEventsRepository } from '../../persistence/webhook-events.repository';
import { RecordWebhookEventFailureCommand } from './record-webhook-event-failure.command';

@CommandHandler(RecordWebhookEventFailureCommand)
export class RecordWebhookEventFailureHandler implements ICommandHandler<RecordWebhookEventFailureCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly events: WebhookEventsRepository,
  ) {}

  async execute(cmd: RecordWebhookEventFailureCommand): Promise<void> {
    await this.txHost.withTransaction(() => this.events.recordFailure(cmd.eventId, cmd.error.slice(0, 500), cmd.final));
  }
}
