import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AdminOnly, Public } from '../../../platform/auth/auth.guard';
import { sharedResult } from '../../../platform/http/shared-result';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { ChainHealthIndicator, RedisHealthIndicator, SignerBalanceHealthIndicator } from '../chain.health';
import { GetClaimsHealthQuery } from '../queries/get-claims-health/get-claims-health.query';
import { GetWorkersHealthQuery } from '../queries/get-workers-health/get-workers-health.query';
import { TreasuryHealthIndicator } from '../treasury.health';
import { SignersHealthIndicator } from '../signers.health';
import { ClaimsHealthDto, QueueHealthDto, WorkersHealthDto } from './health.dto';

/**
 * /health/ready is open and unthrottled, and one run costs RPC calls (chain id, signer balance, signers), a
 * database round trip and Redis work: concurrent probes share one run, and its outcome (200 or 503) is
 * reused for this long.
 */
export const READY_CACHE_MS = 1000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly chain: ChainHealthIndicator,
    private readonly signer: SignerBalanceHealthIndicator,
    private readonly treasury: TreasuryHealthIndicator,
    private readonly signers: SignersHealthIndicator,
    private readonly queries: QueryBus,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Database, Redis, chain RPC (chainId checked) and signer gas (ETH >= MIN_SIGNER_ETH on at least one active signer; `low` names ' +
      'the lanes of a pool below it); 503 with `checks` when not. ' +
      '`treasury` (always up) lists tokens whose claims wait for funds; `signers` (always up) lists the signing keys of this chain ' +
      'as GET /v1/admin/signers does (every active lane, retired, and `orphaned`: payouts in flight whose key is not loaded; each ' +
      'with nextNonce, inFlight and its own balances). Concurrent probes share one check, and ' +
      'its outcome is reused for 1 s (the endpoint is open: it must not multiply RPC calls).',
  })
  @ApiServiceUnavailableResponse({ type: ProblemDto })
  ready() {
    return this.readiness();
  }

  private readonly readiness = sharedResult(READY_CACHE_MS, () =>
    this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000 }),
      () => this.redis.check('redis'),
      () => this.chain.check('chain'),
      () => this.signer.check('signer'),
      () => this.treasury.check('treasury'),
      () => this.signers.check('signers'),
    ]),
  );

  @Get('claims')
  @AdminOnly()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Claim pipeline health (seed 000): counts per status, last completion, lag of the oldest pending claim, completions in the last minute',
  })
  @ApiOkResponse({ type: ClaimsHealthDto, description: '`health` is degraded when processingLagSec >= 300; `ok` is false when the database or chain is unreachable' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of the admin token' })
  claims() {
    return this.queries.execute(new GetClaimsHealthQuery());
  }

  @Get('workers')
  @AdminOnly()
  @ApiBearerAuth()
  @ApiExtraModels(QueueHealthDto)
  @ApiOperation({ summary: 'Per queue job counts and live workers' })
  @ApiOkResponse({ type: WorkersHealthDto })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'missing or invalid admin token' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'an API key instead of the admin token' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'Redis unreachable' })
  workers() {
    return this.queries.execute(new GetWorkersHealthQuery());
  }
}
