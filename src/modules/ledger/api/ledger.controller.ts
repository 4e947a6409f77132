import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { RequiresScope } from '../../../platform/auth/auth.guard';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { CSV_MEDIA_TYPE, csvFile } from '../../../platform/http/csv';
import { TimeRangeQueryDto, timeRangeOf } from '../../../platform/http/time-range';
import { ExportJournalsQuery } from '../queries/export-journals/export-journals.query';
import { JOURNAL_EXPORT_COLUMNS } from '../queries/export-journals/export-journals.handler';
import { GetBalancesQuery } from '../queries/get-balances/get-balances.query';
import { GetTrialBalanceQuery } from '../queries/get-trial-balance/get-trial-balance.query';

class BalancesQueryDto {
  @ApiPropertyOptional({ example: 'treasury:USDC' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  account?: string;

  @ApiPropertyOptional({ example: 'USDC' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  currency?: string;
}

class BalanceDto {
  @ApiProperty({ example: 'treasury:USDC' }) account: string;
  @ApiProperty({ example: 'USDC' }) currency: string;
  @ApiProperty({ example: '999999900000', description: 'debits - credits, signed integer string in base units' })
  balanceBase: string;
}

class TrialBalanceDto {
  @ApiProperty({ example: { USDC: '0', ETH: '0' } }) currencies: Record<string, string>;
  @ApiProperty({ example: true }) balanced: boolean;
}

@ApiTags('ledger')
@ApiBearerAuth()
@RequiresScope('ledger:read') // whole-table aggregates: only keys granted the ledger
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly queries: QueryBus) {}

  @Get('balances')
  @ApiOperation({ summary: 'Balances per account and currency' })
  @ApiOkResponse({ type: [BalanceDto] })
  balances(@Query() q: BalancesQueryDto) {
    return this.queries.execute(new GetBalancesQuery(q.account, q.currency));
  }

  @Get('trial-balance')
  @ApiOperation({ summary: 'Sum of every posting per currency; all zero when the books are sound' })
  @ApiOkResponse({ type: TrialBalanceDto })
  trialBalance() {
    return this.queries.execute(new GetTrialBalanceQuery());
  }

  @Get('journals/export')
  @ApiOperation({
    summary: 'Export ledger journals and their postings as CSV (RFC 4180, streamed), oldest first',
    description:
      'A `text/csv; charset=utf-8` attachment: a header row, then one row per posting of every journal created in ' +
      '[`from`, `to`) (both optional), ordered by journal time, journal id, posting; streamed from the database a ' +
      `page at a time. Columns, in this order: \`${JOURNAL_EXPORT_COLUMNS.map((c) => c.name).join(',')}\`. ` +
      '`amount` is the posting in base units, signed as stored (debit > 0, credit < 0): the rows of each currency ' +
      'sum to zero, as GET /v1/ledger/trial-balance shows. Gas is booked as `payout.gas` journals (`ref` = payout id) ' +
      'on `expense:gas:ETH`. Times are ISO 8601 UTC; records end with CRLF; quoting per RFC 4180.',
  })
  @ApiProduces(CSV_MEDIA_TYPE)
  @ApiOkResponse({
    description: 'the CSV (Content-Disposition: attachment; filename="journals.csv")',
    content: {
      [CSV_MEDIA_TYPE]: { schema: { type: 'string', example: `${JOURNAL_EXPORT_COLUMNS.map((c) => c.name).join(',')}\r\n` } },
    },
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`from` or `to` is not an ISO 8601 instant, `to` is not after `from`, or an unknown parameter' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid API key' })
  async exportJournals(@Query() q: TimeRangeQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const stream = await this.queries.execute(new ExportJournalsQuery(timeRangeOf(q)));
    return csvFile(reply, stream, 'journals.csv');
  }
}
