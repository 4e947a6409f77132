import { Command } from '@nestjs/cqrs';

export type DeliverOutcome = 'succeeded' | 'pending' | 'failed' | 'skipped';

/** Makes attempt number `attempt` of one delivery (a stale or repeated attempt does nothing). */
export class DeliverWebhookCommand extends Command<DeliverOutcome> {
  constructor(
    readonly deliveryId: string,
    readonly attempt: number,
  ) {
    super();
  }
}
