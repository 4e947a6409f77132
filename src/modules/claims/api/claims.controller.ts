import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { RunsBeforeKeyClaimed } from '../../../platform/idempotency/idempotency.gate';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiForbiddenResponse,
  ApiPayloadTooLargeResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath, ApiUnprocessableEntityResponse, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AcceptsSignedRequests, actorOf, ForbiddenError, ownerFilter, Principal, RequiresScope, UnauthorizedError } from '../../../platform/auth/auth.guard';
import { CurrentPrincipal } from '../../../platform/auth/principal.decorator';
import { ValidationError } from '../../../platform/errors/domain-error';
import { uuidOr404 } from '../../../platform/http/ids';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { RateLimitGuard } from '../../../platform/rate-limit/rate-limit.guard';
import { CancelClaimCommand } from '../commands/cancel-claim/cancel-claim.command';
import { CreateClaimCommand } from '../commands/create-claim/create-claim.command';
import { BATCH_MAX_ITEMS, CreateClaimsBatchCommand } from '../commands/create-claims-batch/create-claims-batch.command';
import { BULK_BODY_LIMIT_BYTES } from '../../../platform/http/body-parsers';
import { CreateSignedClaimCommand } from '../commands/create-signed-claim/create-signed-claim.command';
import { ClaimNotFoundError, EntitlementClaimedByAnotherClientError } from '../domain/claim.errors';
import { GetClaimEventsQuery } from '../queries/get-claim-events/get-claim-events.query';
import { GetClaimQuery } from '../queries/get-claim/get-claim.query';
import { ListClaimsQuery } from '../queries/list-claims/list-claims.query';
import { ExportClaimsQuery } from '../queries/export-claims/export-claims.query';
import { CLAIM_EXPORT_COLUMNS } from '../queries/export-claims/export-claims.handler';
import { CSV_MEDIA_TYPE, csvFile } from '../../../platform/http/csv';
import { timeRangeOf } from '../../../platform/http/time-range';
import { ClaimDto, ClaimEventDto, ClaimPageDto, ClaimRequestDto, ClaimsExportQueryDto, CreateClaimDto, ListClaimsDto, SignedClaimDto } from './claim.dto';
import { ClaimsBatchResultDto, CreateClaimsBatchDto } from './claims-batch.dto';
import { SignedClaimGuard } from './signed-claim.guard';

const SIGNED_ONLY = ['nonce', 'deadline', 'signature'] as const;

const claimId = (id: string) => uuidOr404(id, (shown) => new ClaimNotFoundError(shown));

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
  @RequiresScope('claims:write')
  @AcceptsSignedRequests()
  @RunsBeforeKeyClaimed() // CreateClaim and CreateSignedClaim commit through IdempotencyGate
  @UseGuards(SignedClaimGuard, RateLimitGuard) // after auth: verify a signed claim, then count the wallet's budget
  @ApiOperation({
    summary: 'Create a claim (idempotent by idempoKey: the same entitlement returns the same claim)',
    description:
      'With an API key: `{wallet, token, amount, reason}`, client = the key name. With ALLOW_SIGNED_CLAIMS=true and NO ' +
      'API key, a voucher: `{wallet, token, amount, reason, nonce, deadline, signature}` signed by one of the platform\'s ' +
      'issuer keys (CLAIM_ISSUERS), never by the wallet (EIP-712, domain `{name: "Payrail" (SIGNED_CLAIM_DOMAIN_NAME), ' +
      'version: "1", chainId}`, primaryType `Claim` = `{address wallet, string token, string amount, string reason, ' +
      'uint256 nonce, uint256 deadline}`; `wallet` is the recipient); the recipient or anyone submits it; client = `signed`. ' +
      'A signature that does not recover to an issuer (the wallet\'s own, another key, a tampered field, another chainId or ' +
      'domain): 401 `SIGNED_CLAIM.UNKNOWN_ISSUER`; a malformed signature: 401 `SIGNED_CLAIM.BAD_SIGNATURE`; a past deadline: ' +
      '401 `SIGNED_CLAIM.EXPIRED`; a nonce this issuer already used (on any wallet): 401 `SIGNED_CLAIM.NONCE_USED`. ' +
      'Reasons beginning with `cycle:` are reserved for savings-group payouts: 400 naming `reason`, on every path. ' +
      'The same entitlement again: 200 with the claim for the key that created it (or an admin, or for a voucher); another ' +
      'key gets a 409 `CLAIM.CLAIMED_BY_ANOTHER_CLIENT` without the claim.',
  })
  @ApiExtraModels(CreateClaimDto, SignedClaimDto)
  @ApiBody({
    schema: { oneOf: [{ $ref: getSchemaPath(CreateClaimDto) }, { $ref: getSchemaPath(SignedClaimDto) }] },
    examples: {
      apiKey: {
        summary: 'with an API key',
        value: { wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', token: 'USDC', amount: '0.1', reason: 'referral:123' },
      },
      signed: {
        summary: 'EIP-712 voucher signed by an issuer (CLAIM_ISSUERS), no API key',
        value: {
          wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
          token: 'USDC',
          amount: '0.1',
          reason: 'referral:123',
          nonce: '1',
          deadline: 1767225600,
          signature: '0x8c1e…1b',
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: ClaimDto,
    description: 'new claim; `held` when above APPROVAL_ABOVE (an admin approves it). A wallet on the denylist is a 403 CLAIM.WALLET_DENIED, nothing stored',
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'the entitlement (same idempoKey) already has a claim created by another client (CLAIM.CLAIMED_BY_ANOTHER_CLIENT; its id is not shown)',
  })
  @ApiOkResponse({ type: ClaimDto, description: 'the claim already existed (same idempoKey) and this key created it' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation failed (a reserved `cycle:` reason included); `errors` names each field' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'the amount is above LIMIT_PER_CLAIM for its token (CLAIM.OVER_LIMIT); nothing was stored' })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description:
      'missing or invalid API key; for a signed claim: not signed by a claim issuer (SIGNED_CLAIM.UNKNOWN_ISSUER), malformed ' +
      'signature, expired deadline, or a nonce the issuer already used',
  })
  async create(@Body() body: ClaimRequestDto, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    let result;
    if (who.kind === 'signed') {
      if (!who.wallet || !who.issuer) throw new UnauthorizedError('The signed claim could not be verified.');
      // a program's budget belongs to the key that created it, and a voucher's signature does not cover a program
      if (body.program !== undefined) throw new ValidationError([{ field: 'program', message: 'is not part of a signed voucher; submit the claim with the API key that owns the program' }]);
      result = await this.commands.execute(
        new CreateSignedClaimCommand(who.wallet, body.token.toUpperCase(), body.amount, body.reason, BigInt(body.nonce!), who.issuer),
      );
    } else {
      const extra = SIGNED_ONLY.filter((f) => body[f] !== undefined);
      if (extra.length) {
        throw new ValidationError(extra.map((field) => ({ field, message: 'is only for signed claims sent without an API key' })));
      }
      result = await this.commands.execute(
        new CreateClaimCommand(body.wallet, body.token.toUpperCase(), body.amount, body.reason, who.name, actorOf(who), {
          ...(body.program ? { program: { id: body.program, owner: ownerFilter(who) } } : {}),
        }),
      );
    }
    // the same entitlement again answers the existing claim only to its owner (or an admin): another key must
    // not learn its id or state, nor that a voucher already paid it
    if (!result.created && who.kind === 'client' && result.claim.client !== who.name && result.claim.client !== 'signed') {
      throw new EntitlementClaimedByAnotherClientError();
    }
    void reply.status(result.created ? 201 : 200);
    return result.claim;
  }

  @Post('batch')
  @RequiresScope('claims:write')
  @HttpCode(200)
  @ApiOperation({
    summary: `Create up to ${BATCH_MAX_ITEMS} claims in one request, each answered as POST /v1/claims would answer it`,
    description:
      'API key only (scope `claims:write`). `{"claims": [{wallet, token, amount, reason}, ...]}` with 1 to ' +
      `${BATCH_MAX_ITEMS} items -> 200 \`{"items": [{index, status, claim?, problem?}]}\` in request order: 201 new claim; ` +
      '200 the entitlement already had a claim of this key (or an earlier item of this request created it): that claim; ' +
      '400 the item is invalid (`problem` names each field; `cycle:` reasons are reserved); 409 another key owns the ' +
      'entitlement (CLAIM.CLAIMED_BY_ANOTHER_CLIENT, its claim not shown); 429 the item\'s wallet is over ' +
      'RL_CLAIMS_PER_HOUR_WALLET (every item that would create a claim counts into its wallet\'s budget, the one POST ' +
      '/v1/claims counts into; the per-key budget counts the request once). Each item is exactly as idempotent as POST ' +
      '/v1/claims (same idempoKey): the same request again creates nothing and answers 200 per existing item. An ' +
      'Idempotency-Key applies to the whole request (its 200 is replayed). A body that is not `{claims: [1..' +
      `${BATCH_MAX_ITEMS} objects]}\` is a 400. Body limit ${BULK_BODY_LIMIT_BYTES / 1024 / 1024} MiB.`,
  })
  @ApiBody({
    type: CreateClaimsBatchDto,
    examples: {
      two: {
        summary: 'two claims',
        value: {
          claims: [
            { wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', token: 'USDC', amount: '0.1', reason: 'referral:123' },
            { wallet: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', token: 'USDC', amount: '2.5', reason: 'referral:124' },
          ],
        },
      },
    },
  })
  @ApiOkResponse({ type: ClaimsBatchResultDto, description: 'one answer per item, in request order' })
  @ApiBadRequestResponse({ type: ProblemDto, description: `the body is not \`{claims: [1..${BATCH_MAX_ITEMS} objects]}\`` })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'the API key lacks `claims:write`, or the admin token was sent (bulk intake takes an API key)' })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: `the request body exceeds ${BULK_BODY_LIMIT_BYTES / 1024 / 1024} MiB` })
  createBatch(@Body() body: CreateClaimsBatchDto, @CurrentPrincipal() who: Principal) {
    // the claims belong to the key that creates them (and its budget): an admin has no key to give them
    if (who.kind !== 'client') throw new ForbiddenError('Bulk intake needs an API key: each claim belongs to the key that creates it.');
    return this.commands.execute(new CreateClaimsBatchCommand(body.claims, who.name, `api:${who.name}`));
  }

  @Get()
  @RequiresScope('claims:read')
  @ApiOperation({ summary: 'List claims, newest first, with cursor pagination' })
  @ApiOkResponse({ type: ClaimPageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'a query parameter is invalid (e.g. a malformed cursor)' })
  list(@Query() q: ListClaimsDto, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new ListClaimsQuery(q.limit ?? 50, q.wallet, q.status, q.cursor, ownerFilter(who)));
  }

  // before ':id', so `export` is never read as a claim id (find-my-way prefers the static segment anyway)
  @Get('export')
  @RequiresScope('claims:read')
  @ApiOperation({
    summary: 'Export claims as CSV (RFC 4180, streamed), oldest first',
    description:
      'A `text/csv; charset=utf-8` attachment: a header row, then one row per claim created in [`from`, `to`) (both ' +
      'optional), oldest first, streamed from the database a page at a time (any size, flat memory). Columns, in this ' +
      `order: \`${CLAIM_EXPORT_COLUMNS.map((c) => c.name).join(',')}\`. \`amount\` is the decimal string, ` +
      '`amountBase` the integer in base units; `program` the program id (empty for none; `?program=` filters on it); `blockNumber` and `gasShare` are ' +
      'empty until the claim\'s payout is mined. `gasShare` is the payout\'s gas (gas used x effective gas price, wei) ' +
      'divided evenly among the claims it carried, the remainder one wei each to its first claims by id: the shares of ' +
      'a payout sum exactly to the `payout.gas` journal in the ledger. Times are ISO 8601 UTC. Records end with CRLF; ' +
      'a field holding a comma, quote, CR or LF is quoted (quotes doubled). A `reason` starting with `=`, `+`, `-`, ' +
      '`@`, tab or CR is prefixed with `\'` so that spreadsheets never run it as a formula (numeric columns are never ' +
      'altered). An API key exports the claims GET /v1/claims shows it; the admin token, every claim. Rows are read ' +
      'page by page, not from one snapshot: for exact totals export a range whose `to` is in the past.',
  })
  @ApiProduces(CSV_MEDIA_TYPE)
  @ApiOkResponse({
    description: 'the CSV (Content-Disposition: attachment; filename="claims.csv")',
    content: {
      [CSV_MEDIA_TYPE]: {
        schema: { type: 'string', example: `${CLAIM_EXPORT_COLUMNS.map((c) => c.name).join(',')}\r\n` },
      },
    },
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`from` or `to` is not an ISO 8601 instant, `to` is not after `from`, or an unknown parameter' })
  async export(
    @Query() q: ClaimsExportQueryDto,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const stream = await this.queries.execute(new ExportClaimsQuery(timeRangeOf(q), ownerFilter(who), q.program ?? null));
    return csvFile(reply, stream, 'claims.csv');
  }

  @Get(':id')
  @RequiresScope('claims:read')
  @ApiOperation({ summary: 'Get a claim' })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetClaimQuery(claimId(id), ownerFilter(who)));
  }

  @Get(':id/events')
  @RequiresScope('claims:read')
  @ApiOperation({ summary: "The claim's audit trail, oldest first" })
  @ApiOkResponse({ type: [ClaimEventDto] })
  @ApiNotFoundResponse({ type: ProblemDto })
  events(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetClaimEventsQuery(claimId(id), ownerFilter(who)));
  }

  @Post(':id/cancel')
  @RequiresScope('claims:cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending claim (reverses its ledger entry)' })
  @ApiOkResponse({ type: ClaimDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'the claim is not pending' })
  cancel(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    return this.commands.execute(new CancelClaimCommand(claimId(id), actorOf(who), ownerFilter(who)));
  }
}
