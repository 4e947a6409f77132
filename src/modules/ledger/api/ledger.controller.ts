import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { RequiresScope } from '../../../platform/auth/auth.guard';
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
}
