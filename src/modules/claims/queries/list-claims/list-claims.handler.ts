import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { getAddress } from 'ethers';
import { decodeCursor, encodeCursor } from '../../../../platform/http/pagination';
import { toClaimView } from '../../domain/claim.view';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { ClaimPage, ListClaimsQuery } from './list-claims.query';

@QueryHandler(ListClaimsQuery)
export class ListClaimsHandler implements IQueryHandler<ListClaimsQuery> {
  constructor(private readonly repo: ClaimsRepository) {}

  async execute(q: ListClaimsQuery): Promise<ClaimPage> {
    const rows = await this.repo.list({
      ...(q.owner ? { owner: q.owner } : {}),
      wallet: q.wallet ? getAddress(q.wallet.toLowerCase()) : undefined,
      status: q.status,
      limit: q.limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toClaimView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
    };
  }
}
