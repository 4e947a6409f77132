import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, ValidateBy, type ValidationArguments } from 'class-validator';
import { ValidationError } from '../errors/domain-error';

/**
 * `from`/`to` query parameters of the reports: instants, not local times. A bare date (`2025-01-31`) is
 * midnight UTC; a date-time must name its offset (`Z` or `+02:00`): a time without one would depend on the
 * server's or the database session's time zone.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * The instant as Postgres reads it exactly (`timestamptz`, microseconds kept), or null when it is not an
 * ISO 8601 instant or names a day or time that does not exist (2025-02-30, 24:00): checked here because
 * JavaScript's Date rolls those over and Postgres would refuse them with an error (a 500, not a 400).
 */
export function parseInstant(value: string): string | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (h === undefined) return `${y}-${mo}-${d}T00:00:00Z`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  if (zone !== 'Z' && (Number(zone!.slice(1, 3)) > 14 || Number(zone!.slice(-2)) > 59)) return null;
  return value;
}

function IsInstant() {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.length <= 40 && parseInstant(value) !== null,
      defaultMessage: (_args?: ValidationArguments) =>
        'must be an ISO 8601 instant: a date (2025-01-31, midnight UTC) or a date-time with its offset (2025-01-31T12:00:00Z)',
    },
  });
}

/** `?from=&to=` on created_at: from inclusive, to exclusive; each optional (unbounded). */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({ example: '2025-01-01T00:00:00Z', description: 'inclusive lower bound on createdAt (ISO 8601; a bare date is midnight UTC)' })
  @IsOptional()
  @IsString()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2025-02-01', description: 'exclusive upper bound on createdAt (ISO 8601; a bare date is midnight UTC)' })
  @IsOptional()
  @IsString()
  @IsInstant()
  to?: string;
}

/** The range as Postgres instants; null = unbounded. */
export interface TimeRange {
  from: string | null;
  to: string | null;
}

/** The validated query as a range; a 400 naming `to` when the range is empty (`from` not before `to`). */
export function timeRangeOf(q: TimeRangeQueryDto): TimeRange {
  const range = { from: q.from === undefined ? null : parseInstant(q.from), to: q.to === undefined ? null : parseInstant(q.to) };
  if (range.from !== null && range.to !== null && Date.parse(range.from) >= Date.parse(range.to)) {
    throw new ValidationError([{ field: 'to', message: 'must be after from (from is inclusive, to exclusive)' }]);
  }
  return range;
}
