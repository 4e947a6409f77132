import { Command } from '@nestjs/cqrs';

export type ProcessWebhookEventOutcome = 'processed' | 'rejected' | 'already-handled' | 'not-found';

/** Acts on one stored inbound event (dispatches the command its type maps to). Idempotent. */
export class ProcessWebhookEventCommand extends Command<ProcessWebhookEventOutcome> {
  constructor(
    readonly eventId: string,
    /** audit actor, `worker:<id>` */
    readonly actor: string,
  ) {
    super();
  }
}
