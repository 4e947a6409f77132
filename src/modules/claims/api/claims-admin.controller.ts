import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { actorOf, AdminOnly, Principal } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ValidationError } from '../../../platform/errors/domain-error';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { uuidOr404 } from '../../../platform/http/ids';
import { AllowWalletCommand, DenyWalletsCommand } from '../commands/deny-wallets/deny-wallets.command';
import { ApproveClaimCommand, RejectClaimCommand } from '../commands/review-claim/review-claim.command';
import { addressOrNull, parseAddressList } from '../domain/address-list';
import { ClaimNotFoundError, NotDeniedError } from '../domain/claim.errors';
import { DenylistRepository } from '../persistence/denylist.repository';
import { ClaimDto } from './claim.dto';

/** The most addresses one JSON add takes (an import file takes more). */
const DENY_MAX = 10_000;

class RejectBodyDto {
  @ApiPropertyOptional({ example: 'not a campaign winner', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

class DenyBodyDto {
  @ApiProperty({ type: [String], example: ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8'], description: `1..${DENY_MAX} addresses` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DENY_MAX)
  @IsString({ each: true })
  addresses: string[];

  @ApiPropertyOptional({ example: 'OFAC SDN 2026-11-30', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

class DenylistPageQueryDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(42)
  cursor?: string;
}

class DeniedWalletDto {
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }) address: string;
  @ApiProperty({ example: 'OFAC SDN 2026-11-30' }) reason: string;
  @ApiProperty({ example: 'admin:alice' }) addedBy: string;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
}

class DenylistPageDto {
  @ApiProperty({ type: [DeniedWalletDto] }) items: DeniedWalletDto[];
  @ApiProperty({ description: 'addresses on the denylist' }) total: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'pass as `cursor` for the next page; null on the last' }) nextCursor: string | null;
}

class DenyResultDto {
  @ApiProperty({ description: 'addresses newly denied' }) added: number;
  @ApiProperty({ description: 'already denied, or named twice' }) duplicates: number;
  @ApiProperty({ description: 'lines that are not an address (import only; a JSON add refuses them with a 400)' }) invalid: number;
  @ApiProperty({ description: 'open claims to these wallets moved to `held`' }) held: number;
}

/**
 * Treasury controls on claims (API.md "Treasury controls"): approving or rejecting held claims, and the
 * denylist. The admin's name (ADMIN_TOKENS) is the actor in each claim's audit trail.
 */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
@ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of an admin token; on approve: CLAIM.SELF_APPROVAL or CLAIM.WALLET_DENIED' })
@Controller('v1/admin')
export class ClaimsAdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly denylist: DenylistRepository,
  ) {}

  @Post('claims/:id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a held claim: it becomes pending and is paid',
    description:
      'Idempotent (an approved claim answers as it is now). Refused (403) for the admin who created the claim (CLAIM.SELF_APPROVAL) ' +
      'and while its wallet is denied (CLAIM.WALLET_DENIED). Not held: 409 CLAIM.NOT_HELD.',
  })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the claim is not held (CLAIM.NOT_HELD)' })
  approve(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new ApproveClaimCommand(uuidOr404(id, (shown) => new ClaimNotFoundError(shown)), actorOf(who)));
  }

  @Post('claims/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a held claim: cancelled, its ledger entry reversed', description: 'Idempotent (a cancelled claim answers as it is).' })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the claim is not held (CLAIM.NOT_HELD)' })
  reject(@Param('id') id: string, @Body() body: RejectBodyDto, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new RejectClaimCommand(uuidOr404(id, (shown) => new ClaimNotFoundError(shown)), actorOf(who), body?.reason ?? null));
  }

  @Get('denylist')
  @ApiOperation({ summary: 'The denylist, in address order, a page at a time' })
  @ApiOkResponse({ type: DenylistPageDto })
  async list(@Query() q: DenylistPageQueryDto): Promise<DenylistPageDto> {
    const limit = q.limit ?? 100;
    const { items, total } = await this.denylist.page(limit, q.cursor ?? null);
    return {
      items: items.map((d) => ({ ...d, addedAt: new Date(d.addedAt).toISOString() })),
      total,
      nextCursor: items.length === limit ? items[items.length - 1]!.address : null,
    };
  }

  @Post('denylist')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deny wallets: no claim to them is accepted (403 CLAIM.WALLET_DENIED) and their open claims are held, never signed',
    description: 'All or nothing: an entry that is not an address (or fails its EIP-55 checksum) is a 400 naming it, and nothing is added.',
  })
  @ApiOkResponse({ type: DenyResultDto })
  deny(@Body() body: DenyBodyDto, @CurrentPrincipal() who: Principal) {
    const addresses: string[] = [];
    const errors: { field: string; message: string }[] = [];
    body.addresses.forEach((raw, i) => {
      const a = addressOrNull(raw.trim());
      if (a === null) errors.push({ field: `addresses[${i}]`, message: 'is not an address (0x and 40 hex digits, a valid EIP-55 checksum if mixed case)' });
      else addresses.push(a);
    });
    if (errors.length) throw new ValidationError(errors.slice(0, 20));
    const unique = [...new Set(addresses)];
    return this.commands.execute(new DenyWalletsCommand(unique, body.reason ?? '', actorOf(who), { duplicates: addresses.length - unique.length, invalid: 0 }));
  }

  @Post('denylist/import')
  @HttpCode(200)
  @ApiConsumes('text/plain', 'text/csv')
  @ApiBody({ schema: { type: 'string', example: 'address\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n' }, description: 'one address per line, or CSV with the address in the first column (a header row is skipped)' })
  @ApiOperation({
    summary: 'Import a sanctions list (text or CSV): every valid address is denied; the answer counts added, duplicates and invalid lines',
    description: 'Body up to 4 MiB. The reason recorded is `import` unless `?reason=` names one.',
  })
  @ApiOkResponse({ type: DenyResultDto })
  import(@Body() body: unknown, @Query('reason') reason: string | undefined, @CurrentPrincipal() who: Principal) {
    if (typeof body !== 'string') throw new ValidationError([{ field: 'body', message: 'send the list as text/plain or text/csv' }]);
    const list = parseAddressList(body);
    const why = typeof reason === 'string' && reason.length > 0 ? reason.slice(0, 200) : 'import';
    return this.commands.execute(new DenyWalletsCommand(list.addresses, why, actorOf(who), { duplicates: list.duplicates, invalid: list.invalid }));
  }

  @Delete('denylist/:address')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an address from the denylist (its held claims stay held until an admin approves them)' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'the address is not on the denylist (DENYLIST.NOT_FOUND)' })
  async allow(@Param('address') raw: string, @CurrentPrincipal() who: Principal): Promise<void> {
    const address = addressOrNull(raw.slice(0, 64));
    if (address === null) throw new ValidationError([{ field: 'address', message: 'is not an address' }]);
    if (!(await this.commands.execute(new AllowWalletCommand(address, actorOf(who))))) throw new NotDeniedError(address);
  }
}
