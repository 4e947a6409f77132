import { Command } from '@nestjs/cqrs';

export interface RequeueResult {
  claimId: string;
  /** enqueued: a fresh job; cancel-broadcast: the payout's nonce is being taken by a 0-value self-transfer */
  action: 'enqueued' | 'cancel-broadcast';
  cancelTxHash?: string;
}

export class RequeueClaimCommand extends Command<RequeueResult> {
  constructor(readonly claimId: string) {
    super();
  }
}
