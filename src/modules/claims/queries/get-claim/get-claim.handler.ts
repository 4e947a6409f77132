import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ClaimNotFoundError } from '../../domain/claim.errors';
import { ClaimView, toClaimView } from '../../domain/claim.view';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { GetClaimQuery } from './get-claim.query';

@QueryHandler(GetClaimQuery)
export class GetClaimHandler implements IQueryHandler<GetClaimQuery> {
  constructor(private readonly repo: ClaimsRepository) {}

  async execute(q: GetClaimQuery): Promise<ClaimView> {
    const claim = await this.repo.findVisible(q.claimId, q.owner);
    if (!claim) throw new ClaimNotFoundError(q.claimId);
    return toClaimView(claim);
  }
}
