import { Query } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export class GetClaimQuery extends Query<ClaimView> {
  constructor(
    readonly claimId: string,
    /** the API key asking (it sees only its own claims); null/unset = any claim (admin, internal) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
