import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { ownerFilter, Principal, RequiresScope } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { uuidOr404 } from '../../../platform/http/ids';
import { PageQueryDto } from '../../../platform/http/pagination';
import {
  CloseProgramCommand,
  CreateProgramCommand,
  GetProgramQuery,
  GetProgramReportQuery,
  ListProgramsQuery,
  TopUpProgramCommand,
} from '../commands/program.commands';
import { ProgramNotFoundError } from '../domain/program.errors';

class CreateProgramDto {
  @ApiProperty({ example: 'Referral Q1', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'USDC' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'must be a token symbol such as USDC or ETH' })
  token: string;

  @ApiProperty({ example: '50000', description: 'decimal string in token units (0 allowed: fund it with top-ups)' })
  @IsString({ message: 'must be a decimal string such as "50000"' })
  budget: string;
}

class TopUpDto {
  @ApiProperty({ example: '10000', description: 'decimal string in token units, above zero' })
  @IsString({ message: 'must be a decimal string such as "10000"' })
  amount: string;
}

class ProgramDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Referral Q1' }) name: string;
  @ApiProperty({ example: 'USDC' }) token: string;
  @ApiProperty({ example: '50000', description: 'funded so far (creation and top-ups)' }) budget: string;
  @ApiProperty({ example: '120.5', description: 'held by claims not paid yet (pending, held, processing, submitted)' }) reserved: string;
  @ApiProperty({ example: '830', description: 'paid (completed claims)' }) spent: string;
  @ApiProperty({ example: '0.0123', description: "ETH of gas its paid claims cost (each payout's gas split over the claims it carried)" }) gas: string;
  @ApiProperty({ example: '49049.5', description: 'budget - reserved - spent: what new claims may still take (never negative)' }) remaining: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status: string;
  @ApiProperty({ description: 'claims of the program, any status' }) claims: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) closedAt: string | null;
}

class ProgramPageDto {
  @ApiProperty({ type: [ProgramDto] }) items: ProgramDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

class StatusTotalDto {
  @ApiProperty() count: number;
  @ApiProperty({ example: '12.5' }) amount: string;
}

class ProgramReportDto {
  @ApiProperty({ type: ProgramDto }) program: ProgramDto;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/StatusTotalDto' }, description: 'claims by status: count and amount' })
  byStatus: Record<string, StatusTotalDto>;
}

const programId = (id: string) => uuidOr404(id, (shown) => new ProgramNotFoundError(shown));

/**
 * Programs (API.md "Programs, client, CLI, reports"): a budget claims draw on. A program belongs to the key that
 * created it (an admin sees and changes every program); claims name it with `program`.
 */
@ApiTags('programs')
@ApiExtraModels(StatusTotalDto)
@ApiBearerAuth()
@Controller('v1/programs')
export class ProgramsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresScope('programs')
  @ApiOperation({ summary: 'Create a program with a budget (funded in the ledger: program:<id>:<TOKEN>)' })
  @ApiCreatedResponse({ type: ProgramDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation failed, or an unknown token' })
  create(@Body() body: CreateProgramDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CreateProgramCommand(body.name, body.token, body.budget, who.name));
  }

  @Get()
  @RequiresScope('programs')
  @ApiOperation({ summary: "This key's programs, newest first (an admin: every program)" })
  @ApiOkResponse({ type: ProgramPageDto })
  list(@Query() q: PageQueryDto, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new ListProgramsQuery(ownerFilter(who), q.limit ?? 50, q.cursor));
  }

  @Get(':id')
  @RequiresScope('programs')
  @ApiOperation({ summary: 'A program: budget, reserved, spent, gas, remaining' })
  @ApiOkResponse({ type: ProgramDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetProgramQuery(programId(id), ownerFilter(who)));
  }

  @Get(':id/report')
  @RequiresScope('programs')
  @ApiOperation({ summary: "A program's totals by claim status (count and amount), with its budget figures" })
  @ApiOkResponse({ type: ProgramReportDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  report(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetProgramReportQuery(programId(id), ownerFilter(who)));
  }

  @Post(':id/top-ups')
  @HttpCode(200)
  @RequiresScope('programs')
  @ApiOperation({ summary: "Add to a program's budget (journal program.top-up); send an Idempotency-Key to retry safely" })
  @ApiOkResponse({ type: ProgramDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the program is closed (PROGRAM.CLOSED)' })
  topUp(@Param('id') id: string, @Body() body: TopUpDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new TopUpProgramCommand(programId(id), body.amount, ownerFilter(who)));
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequiresScope('programs')
  @ApiOperation({ summary: 'Close a program: no new claims or top-ups; its claims already taken are paid as usual. Idempotent.' })
  @ApiOkResponse({ type: ProgramDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  close(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CloseProgramCommand(programId(id), ownerFilter(who)));
  }
}
