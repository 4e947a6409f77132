import { uuidOr404 } from '../../../platform/http/ids';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { actorOf, AdminOnly, Principal } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { ClaimNotFoundError } from '../../claims/domain/claim.errors';
import { RequeueClaimCommand } from '../commands/requeue-claim/requeue-claim.command';
import { ResyncNonceCommand } from '../commands/resync-nonce/resync-nonce.command';
import { RetryDeadLetterCommand } from '../commands/retry-dead-letter/retry-dead-letter.command';
import { SignerNotFoundError } from '../domain/admin.errors';
import { ListDeadLettersQuery } from '../queries/list-dead-letters/list-dead-letters.query';
import { ListSignersQuery } from '../queries/list-signers/list-signers.query';
import { PausePayoutsCommand, ResumePayoutsCommand } from '../commands/pause-payouts/pause-payouts.command';

class DeadLetterDto {
  @ApiProperty({ description: 'the claim id' }) jobId: string;
  @ApiProperty({ format: 'uuid' }) claimId: string;
  @ApiProperty({ example: 'retry: timeout' }) reason: string;
  @ApiProperty() attemptsMade: number;
  @ApiProperty({ format: 'date-time' }) failedAt: string;
}

class RequeueDto {
  @ApiProperty({ format: 'uuid' }) claimId: string;
  @ApiProperty({ enum: ['enqueued', 'cancel-broadcast'] }) action: string;
  @ApiPropertyOptional() cancelTxHash?: string;
}

class ResyncBodyDto {
  @ApiPropertyOptional({ default: false, description: 'resync even with payouts in flight (their nonces may be reused: know why)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

class ResyncDto {
  @ApiProperty() address: string;
  @ApiProperty() previous: number;
  @ApiProperty() next: number;
  @ApiProperty() inFlight: number;
}

class SignerDto {
  @ApiProperty() address: string;
  @ApiProperty() chainId: number;
  @ApiProperty({
    enum: ['active', 'retired', 'orphaned'],
    description:
      'active: a lane taking new payouts (TREASURY_PRIVATE_KEY, or every key of the TREASURY_PRIVATE_KEYS pool); retired: RETIRED_TREASURY_KEYS, loaded only for its in-flight payouts; ' +
      'orphaned: payouts in flight whose key is not loaded (never re-signed; re-sent as stored)',
  })
  role: string;
  @ApiProperty({ description: 'the next nonce this signer will use (Postgres is the source of truth)' }) nextNonce: number;
  @ApiProperty({ description: 'payouts broadcast and not yet settled' }) inFlight: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { ETH: '1000000000000000000', USDC: '2500000' }, description: "this signer's own on-chain balances in base units, per configured token (omitted when the RPC did not answer)" })
  balances?: Record<string, string>;
}

class PauseBodyDto {
  @ApiPropertyOptional({ example: 'USDC', description: 'a configured token symbol; omitted: every token' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'must be a token symbol such as USDC' })
  token?: string;
}

class PauseDto {
  @ApiProperty({ example: 'USDC', description: 'a token symbol, or * for every token' }) token: string;
  @ApiProperty({
    enum: ['manual', 'imbalance', 'drift', 'floor'],
    description:
      "manual: an admin's. The breaker's (actor `breaker`): imbalance (the ledger's postings in that currency do not sum to zero), " +
      'drift (money left a lane behind Payrail\'s back beyond DRIFT_TOLERANCE), floor (a lane under TREASURY_FLOOR)',
  })
  reason: string;
  @ApiProperty({ format: 'date-time' }) since: string;
  @ApiProperty({ example: 'admin' }) actor: string;
}

class PausesDto {
  @ApiProperty({ type: [PauseDto], description: 'every pause in force after the call' }) paused: PauseDto[];
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
@ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of the admin token' })
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('dlq')
  @ApiOperation({ summary: 'Dead-lettered payment jobs (attempts exhausted), with their reason' })
  @ApiOkResponse({ type: [DeadLetterDto] })
  dlq() {
    return this.queries.execute(new ListDeadLettersQuery());
  }

  @Post('dlq/:jobId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Give a dead-lettered claim a fresh payment job' })
  @ApiAcceptedResponse({ type: RequeueDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  retry(@Param('jobId') jobId: string) {
    return this.commands.execute(new RetryDeadLetterCommand(jobId.slice(0, 100)));
  }

  @Post('claims/:id/requeue')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Requeue a claim whose payout is provably not mined (never a second payment)',
    description:
      'pending (or an expired lease): a fresh job. submitted, none of its hashes mined and its nonce not consumed: the nonce is ' +
      'taken by a 0-value self-transfer; once that is mined the claim gets a new payout. Otherwise 409.',
  })
  @ApiAcceptedResponse({ type: RequeueDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  requeue(@Param('id') id: string) {
    return this.commands.execute(new RequeueClaimCommand(uuidOr404(id, (shown) => new ClaimNotFoundError(shown))));
  }

  @Post('payouts/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause payouts of a token (or of every token): nothing of it is signed until resumed; claims keep arriving and wait',
    description: 'Takes effect for every process at commit: a lane checks under its signer lock before it signs. Pausing again keeps the first pause.',
  })
  @ApiOkResponse({ type: PausesDto })
  pause(@Body() body: PauseBodyDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new PausePayoutsCommand(body?.token, actorOf(who)));
  }

  @Post('payouts/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lift the pauses of a token (or every pause), the breaker\'s included: an admin act once the cause is gone',
    description:
      'Waiting claims go out within seconds, each once. A breaker pause whose cause is still present is not lifted: 409 PAYOUT.CAUSE_PRESENT ' +
      '(imbalance: the currency still does not balance; floor: a lane is still under TREASURY_FLOOR), and nothing is lifted. drift is lifted on the admin\'s word.',
  })
  @ApiOkResponse({ type: PausesDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'PAYOUT.CAUSE_PRESENT: the cause of a breaker pause is still present; nothing resumed' })
  resume(@Body() body: PauseBodyDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new ResumePayoutsCommand(body?.token, actorOf(who)));
  }

  @Get('signers')
  @ApiOperation({
    summary: "The signing keys of this process's chain: every active lane (all keys of a TREASURY_PRIVATE_KEYS pool), the retired (RETIRED_TREASURY_KEYS) and the orphaned ones",
    description: 'Loaded keys in the configured order (active first), then orphaned ones; each with its own next nonce, payouts in flight and on-chain balances.',
  })
  @ApiOkResponse({ type: [SignerDto] })
  signers() {
    return this.queries.execute(new ListSignersQuery());
  }

  @Post('signers/:address/resync-nonce')
  @HttpCode(200)
  @ApiOperation({
    summary: "Re-read the chain's pending nonce into the signer (refused while payouts are in flight unless force)",
    description: 'Always refused (409 SIGNER.NONCE_HELD, naming the payout and its nonce) when a stored payout holds the new nonce or a higher one.',
  })
  @ApiOkResponse({ type: ResyncDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  resync(@Param('address') address: string, @Body() body: ResyncBodyDto) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new SignerNotFoundError(address.slice(0, 64));
    return this.commands.execute(new ResyncNonceCommand(address, body?.force === true));
  }
}
