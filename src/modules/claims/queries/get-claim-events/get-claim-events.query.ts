import { Query } from '@nestjs/cqrs';

export interface ClaimEventView {
  at: string;
  from: string | null;
  to: string;
  actor: string;
  detail: Record<string, unknown>;
}

export class GetClaimEventsQuery extends Query<ClaimEventView[]> {
  constructor(
    readonly claimId: string,
    /** the API key asking (only its own claims); null/unset = any claim */
    readonly owner?: string | null,
  ) {
    super();
  }
}
