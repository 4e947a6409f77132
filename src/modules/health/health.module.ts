import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TreasuryHealthIndicator } from './treasury.health';
import { HealthController } from './api/health.controller';
import { ChainHealthIndicator, RedisHealthIndicator } from './chain.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ChainHealthIndicator, RedisHealthIndicator, TreasuryHealthIndicator],
})
export class HealthModule {}
