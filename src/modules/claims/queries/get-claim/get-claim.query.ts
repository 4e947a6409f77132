import { Query } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export class GetClaimQuery extends Query<ClaimView> {
  constructor(readonly claimId: string) {
    super();
  }
}
