import { RequiresScope } from '../../../platform/auth/auth.guard';
import { uuidOr404 } from '../../../platform/http/ids';
import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { GetPayoutQuery } from '../queries/get-payout/get-payout.query';
import { PayoutNotFoundError } from '../queries/get-payout/get-payout.handler';

class PayoutDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['transfer', 'batch', 'approve'], description: 'transfer: one claim, a plain transfer; batch: every claim in claimIds paid by one batch-payout call; approve: the signer\'s one-time approval of the batch contract (no claims, gas only)' }) kind: string;
  @ApiProperty({ type: [String], description: 'every claim this transaction pays' }) claimIds: string[];
  @ApiProperty({ example: 'USDC' }) token: string;
  @ApiProperty() signer: string;
  @ApiProperty() nonce: number;
  @ApiProperty({ type: [String], description: 'every hash broadcast for this nonce (replacements included)' }) txHashes: string[];
  @ApiProperty({ enum: ['submitted', 'confirmed', 'final', 'reverted', 'dropped'], description: 'confirmed: CONFIRMATIONS deep; final: can no longer be reorged out' }) status: string;
  @ApiProperty() confirmations: number;
  @ApiProperty({ nullable: true, type: String }) gasUsed: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String }) broadcastAt: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmedAt: string | null;
}

@ApiTags('payouts')
@ApiBearerAuth()
@RequiresScope('claims:read')
@Controller('v1/payouts')
export class PayoutsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({ summary: 'A payout: the on-chain transaction (one nonce) that pays one or more claims' })
  @ApiOkResponse({ type: PayoutDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string) {
    return this.queries.execute(new GetPayoutQuery(uuidOr404(id, (shown) => new PayoutNotFoundError(shown))));
  }
}
