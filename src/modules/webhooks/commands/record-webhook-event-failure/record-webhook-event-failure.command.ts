import { Command } from '@nestjs/cqrs';

/** A processing attempt threw: keep the error; on the last attempt the event becomes `failed`. */
export class RecordWebhookEventFailureCommand extends Command<void> {
  constructor(
    readonly eventId: string,
    readonly error: string,
    readonly final: boolean,
  ) {
    super();
  }
}
