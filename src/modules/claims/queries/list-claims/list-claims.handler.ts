import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { getAddress } from 'ethers';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { toClaimView } from '../../domain/claim.view';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { ClaimPage, ListClaimsQuery } from './list-claims.query';

/** Keyset pagination, newest first; the cursor is opaque base64url of (createdAt, id). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API' }]);
  }
}

@QueryHandler(ListClaimsQuery)
export class ListClaimsHandler implements IQueryHandler<ListClaimsQuery> {
  constructor(private readonly repo: ClaimsRepository) {}

  async execute(q: ListClaimsQuery): Promise<ClaimPage> {
    const rows = await this.repo.list({
      wallet: q.wallet ? getAddress(q.wallet.toLowerCase()) : undefined,
      status: q.status,
      limit: q.limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toClaimView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(new Date(last.createdAt).toISOString(), last.id) : null,
    };
  }
}
