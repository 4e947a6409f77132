import { uuidOr404 } from '../../../platform/http/ids';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ownerFilter, Principal, RequiresScope } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { CreateGroupCommand } from '../commands/create-group/create-group.command';
import { GroupNotFoundError } from '../domain/cycle.errors';
import { GetGroupQuery } from '../queries/get-group/get-group.query';
import { CreateGroupDto, GroupDto } from './group.dto';

@ApiTags('groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid API key' })
@Controller('v1/groups')
export class GroupsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresScope('claims:write') // a group pays its cycles out as claims
  @ApiOperation({
    summary: 'Create a rotating savings group',
    description:
      'Members pay `contributionAmount` each cycle (reported by `contribution.settled` webhooks); when all have paid, ' +
      'cycle N pays the pot (contributionAmount x members) once to members[(N-1) mod members.length] as a claim with ' +
      'client `cycle` and reason `cycle:<groupId>:<N>`.',
  })
  @ApiCreatedResponse({ type: GroupDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation failed; `errors` names each field' })
  create(@Body() body: CreateGroupDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CreateGroupCommand(body.name, body.token.toUpperCase(), body.contributionAmount, body.members, who.name));
  }

  @Get(':id')
  @RequiresScope('claims:read')
  @ApiOperation({ summary: "A group: current cycle, its contributions, and past cycles with their payout claim ids" })
  @ApiOkResponse({ type: GroupDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetGroupQuery(uuidOr404(id, (shown) => new GroupNotFoundError(shown)), ownerFilter(who)));
  }
}
