import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../../platform/auth/auth.guard';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { ChainHealthIndicator, RedisHealthIndicator } from '../chain.health';
import { TreasuryHealthIndicator } from '../treasury.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly chain: ChainHealthIndicator,
    private readonly treasury: TreasuryHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Database, Redis and chain RPC reachable (503 with details when not)' })
  @ApiServiceUnavailableResponse({ type: ProblemDto })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000 }),
      () => this.redis.check('redis'),
      () => this.chain.check('chain'),
      () => this.treasury.check('treasury'),
    ]);
  }
}
