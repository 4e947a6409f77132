import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiBadRequestResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { CancelClaimCommand } from '../commands/cancel-claim/cancel-claim.command';
import { CreateClaimCommand } from '../commands/create-claim/create-claim.command';
import { ClaimNotFoundError } from '../domain/claim.errors';
import { GetClaimEventsQuery } from '../queries/get-claim-events/get-claim-events.query';
import { GetClaimQuery } from '../queries/get-claim/get-claim.query';
import { ListClaimsQuery } from '../queries/list-claims/list-claims.query';
import { ClaimDto, ClaimEventDto, ClaimPageDto, CreateClaimDto, ListClaimsDto } from './claim.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function claimId(id: string): string {
  if (!UUID.test(id)) throw new ClaimNotFoundError(id.slice(0, 64));
  return id.toLowerCase();
}

@ApiTags('claims')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid API key' })
@Controller('v1/claims')
export class ClaimsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a claim (idempotent by idempoKey: the same entitlement returns the same claim)' })
  @ApiCreatedResponse({ type: ClaimDto, description: 'new claim' })
  @ApiOkResponse({ type: ClaimDto, description: 'the claim already existed (same idempoKey)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation failed; `errors` names each field' })
  async create(@Body() body: CreateClaimDto, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.commands.execute(
      new CreateClaimCommand(body.wallet, body.token.toUpperCase(), body.amount, body.reason, who.name, `api:${who.name}`),
    );
    void reply.status(result.created ? 201 : 200);
    return result.claim;
  }

  @Get()
  @ApiOperation({ summary: 'List claims, newest first, with cursor pagination' })
  @ApiOkResponse({ type: ClaimPageDto })
  list(@Query() q: ListClaimsDto) {
    return this.queries.execute(new ListClaimsQuery(q.limit ?? 50, q.wallet, q.status, q.cursor));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a claim' })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string) {
    return this.queries.execute(new GetClaimQuery(claimId(id)));
  }

  @Get(':id/events')
  @ApiOperation({ summary: "The claim's audit trail, oldest first" })
  @ApiOkResponse({ type: [ClaimEventDto] })
  @ApiNotFoundResponse({ type: ProblemDto })
  events(@Param('id') id: string) {
    return this.queries.execute(new GetClaimEventsQuery(claimId(id)));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending claim (reverses its ledger entry)' })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the claim is not pending' })
  cancel(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CancelClaimCommand(claimId(id), `api:${who.name}`));
  }
}
