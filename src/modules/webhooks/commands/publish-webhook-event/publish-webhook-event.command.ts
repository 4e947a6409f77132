import { Command } from '@nestjs/cqrs';
import type { OutboundEventType } from '../../domain/event-types';

/**
 * Fans one outbound event out to every enabled endpoint subscribed to its type that may see it (created by one
 * of `owners`, or by an admin): one delivery per (endpoint, `key`), so publishing the same event twice delivers
 * it once.
 */
export class PublishWebhookEventCommand extends Command<{ deliveries: number }> {
  constructor(
    readonly type: OutboundEventType,
    /** identity of the event, e.g. `claim.completed:<claimId>` */
    readonly key: string,
    readonly data: unknown,
    /** the API keys whose claims or groups the event is about */
    readonly owners: string[],
  ) {
    super();
  }
}
