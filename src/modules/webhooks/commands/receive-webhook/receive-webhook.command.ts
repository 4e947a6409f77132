import { Command } from '@nestjs/cqrs';
import type { RequestHeaders } from '../../domain/signature';

export interface ReceiveWebhookResult {
  httpStatus: 200 | 202;
  body: { received: true; id: string; duplicate: boolean; ignored?: true; status?: string };
  /** the provider budget's RateLimit headers (counted once the signature is verified) */
  headers?: Record<string, string>;
}

/** An inbound webhook exactly as received: the raw bytes are what the signature covers. */
export class ReceiveWebhookCommand extends Command<ReceiveWebhookResult> {
  constructor(
    readonly provider: string,
    readonly headers: RequestHeaders,
    readonly rawBody: Buffer,
  ) {
    super();
  }
}
