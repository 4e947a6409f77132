import { Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly, Principal } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { uuidOr404 } from '../../../platform/http/ids';
import { ClaimDto } from '../../claims/api/claim.dto';
import { RepayCycleCommand } from '../commands/repay-cycle/repay-cycle.command';
import { CycleNotFoundError, GroupNotFoundError } from '../domain/cycle.errors';

/** A cycle number from the path: a positive integer, else there is no such cycle (404). */
function cycleOr404(groupId: string, n: string): number {
  const cycle = /^[1-9]\d{0,8}$/.test(n) ? Number(n) : NaN;
  if (!Number.isSafeInteger(cycle)) throw new CycleNotFoundError(groupId, JSON.stringify(n.slice(0, 20)));
  return cycle;
}

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
@ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of the admin token' })
@Controller('v1/admin/groups')
export class GroupsAdminController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/cycles/:n/repay')
  @ApiOperation({
    summary: 'Repay a completed cycle whose payout claim failed on chain or was cancelled',
    description:
      'Only when the cycle\'s claim (`pastCycles[].claimId` of GET /v1/groups/{id}) is `failed` or `cancelled`: a new claim for the same ' +
      'member and pot, client `cycle`, reason `cycle:<groupId>:<n>:repay:<k>` (k = 1, 2, ...), becomes the cycle\'s claim (201); the ' +
      'replaced claim is listed in `previousClaimIds`. The ledger owes the pot once: the failed claim\'s reversal returned it to ' +
      '`expense:rewards`, the new claim posts it to `payable` again. Idempotent: while (or after) the repay claim is live, the same ' +
      'call returns it (200). A cycle whose original claim is live or paid: 409 `CYCLE.NOT_REPAYABLE`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'the group' })
  @ApiParam({ name: 'n', type: Number, description: 'the cycle number (from 1), already completed' })
  @ApiCreatedResponse({ type: ClaimDto, description: 'the new repay claim' })
  @ApiOkResponse({ type: ClaimDto, description: 'an earlier repay claim, still live or already paid' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such group, or the cycle has not completed' })
  @ApiConflictResponse({ type: ProblemDto, description: "the cycle's claim is not failed or cancelled (`CYCLE.NOT_REPAYABLE`)" })
  async repay(@Param('id') id: string, @Param('n') n: string, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const groupId = uuidOr404(id, (shown) => new GroupNotFoundError(shown));
    const result = await this.commands.execute(new RepayCycleCommand(groupId, cycleOr404(groupId, n), who.name));
    void reply.status(result.created ? 201 : 200);
    return result.claim;
  }
}
