import { Query } from '@nestjs/cqrs';

export interface PayoutView {
  id: string;
  kind: string;
  claimIds: string[];
  token: string;
  signer: string;
  nonce: number;
  txHashes: string[];
  status: string;
  confirmations: number;
  gasUsed: string | null;
  createdAt: string;
  broadcastAt: string | null;
  confirmedAt: string | null;
}

export class GetPayoutQuery extends Query<PayoutView> {
  constructor(readonly payoutId: string) {
    super();
  }
}
