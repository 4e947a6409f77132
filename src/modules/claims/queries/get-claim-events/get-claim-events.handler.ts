import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ClaimNotFoundError } from '../../domain/claim.errors';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { ClaimEventView, GetClaimEventsQuery } from './get-claim-events.query';

@QueryHandler(GetClaimEventsQuery)
export class GetClaimEventsHandler implements IQueryHandler<GetClaimEventsQuery> {
  constructor(private readonly repo: ClaimsRepository) {}

  async execute(q: GetClaimEventsQuery): Promise<ClaimEventView[]> {
    if (!(await this.repo.findVisible(q.claimId, q.owner))) throw new ClaimNotFoundError(q.claimId);
    const events = await this.repo.events(q.claimId);
    return events.map((e) => ({ at: new Date(e.at).toISOString(), from: e.fromStatus, to: e.toStatus, actor: e.actor, detail: e.detail }));
  }
}
