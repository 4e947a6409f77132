import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CompleteCycleCommand } from '../../../cycles/commands/complete-cycle/complete-cycle.command';
import { RecordContributionCommand } from '../../../cycles/commands/record-contribution/record-contribution.command';
import { WebhookEventsRepository } from '../../persistence/webhook-events.repository';
import { ProcessWebhookEventCommand, ProcessWebhookEventOutcome } from './process-webhook-event.command';

/**
 * `contribution.settled`: in ONE transaction take the `received` event (row lock), record the contribution
 * (RecordContributionCommand joins this transaction, with its ledger journal) and mark the event
 * `processed`, or `rejected` with the reason and no ledger effect. After that commit, check-and-complete
 * the group's cycle in its own transaction (CompleteCycleCommand). A repeated job finds the event already
 * processed and only repeats the (idempotent) completion check, so a crash between the two loses nothing.
 */
@CommandHandler(ProcessWebhookEventCommand)
export class ProcessWebhookEventHandler implements ICommandHandler<ProcessWebhookEventCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly events: WebhookEventsRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute(cmd: ProcessWebhookEventCommand): Promise<ProcessWebhookEventOutcome> {
    const outcome = await this.txHost.withTransaction(async (): Promise<{ outcome: ProcessWebhookEventOutcome; groupId: string | null }> => {
      const ev = await this.events.takeReceived(cmd.eventId);
      if (!ev) return { outcome: 'already-handled', groupId: null };
      switch (ev.type) {
        case 'contribution.settled': {
          const r = await this.commands.execute(new RecordContributionCommand(ev.provider, `${ev.provider}:${ev.eventId}`, ev.payload.data));
          if (r.status === 'recorded') {
            await this.events.settle(ev.id, 'processed', null);
            return { outcome: 'processed', groupId: r.groupId };
          }
          await this.events.settle(ev.id, 'rejected', r.reason);
          return { outcome: 'rejected', groupId: null };
        }
        default:
          // stored as `ignored` at intake; a type that stopped being known is rejected rather than lost silently
          await this.events.settle(ev.id, 'rejected', `no handler for event type "${ev.type}"`);
          return { outcome: 'rejected', groupId: null };
      }
    });

    let groupId = outcome.groupId;
    if (outcome.outcome === 'already-handled') {
      const ev = await this.events.findById(cmd.eventId);
      if (!ev) return 'not-found';
      const data = ev.payload.data as { groupId?: unknown } | undefined;
      if (ev.status === 'processed' && ev.type === 'contribution.settled' && typeof data?.groupId === 'string') groupId = data.groupId.toLowerCase();
    }
    if (groupId) await this.commands.execute(new CompleteCycleCommand(groupId, cmd.actor));
    return outcome.outcome;
  }
}
