import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationError } from '../errors/domain-error';
import { UUID_RE } from './ids';

/**
 * Keyset pagination shared by every list endpoint: newest first; the cursor is opaque base64url of
 * (createdAt, id), createdAt at the database's microsecond precision (a millisecond cursor would skip rows
 * created within the same millisecond).
 */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(200, { message: 'must be at most 200' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** SQL giving a timestamptz column at microsecond precision, as cursors carry it. */
export function cursorAtSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('bad');
    const [createdAt, id] = parsed as [unknown, unknown];
    if (typeof createdAt !== 'string' || !CURSOR_AT.test(createdAt) || Number.isNaN(Date.parse(createdAt))) throw new Error('bad');
    if (typeof id !== 'string' || !/^[0-9a-f-]+$/.test(id) || !UUID_RE.test(id)) throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API' }]);
  }
}
