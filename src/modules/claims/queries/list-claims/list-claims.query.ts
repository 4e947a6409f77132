import { Query } from '@nestjs/cqrs';
import type { ClaimStatus } from '../../domain/claim-status';
import type { ClaimView } from '../../domain/claim.view';

export interface ClaimPage {
  items: ClaimView[];
  nextCursor: string | null;
}

export class ListClaimsQuery extends Query<ClaimPage> {
  constructor(
    readonly limit: number,
    readonly wallet?: string,
    readonly status?: ClaimStatus,
    readonly cursor?: string,
    /** the API key asking (only its own claims); null/unset = every claim (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
