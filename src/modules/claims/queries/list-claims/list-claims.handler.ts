import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { getAddress } from 'ethers';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { toClaimView } from '../../domain/claim.view';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { ClaimPage, ListClaimsQuery } from './list-claims.query';

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Keyset pagination, newest first; the cursor is opaque base64url of (createdAt, id), createdAt at the
 * database's microsecond precision (a millisecond cursor would skip rows created within the same ms).
 */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('bad');
    const [createdAt, id] = parsed as [unknown, unknown];
    if (typeof createdAt !== 'string' || !CURSOR_AT.test(createdAt) || Number.isNaN(Date.parse(createdAt))) throw new Error('bad');
    if (typeof id !== 'string' || !UUID.test(id)) throw new Error('bad');
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
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
    };
  }
}
