import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AuthService } from '../auth/auth.service';
import { RateLimitRedis, RateLimitRedisModule } from './rate-limit.redis';
import { WebhookRateLimits } from './webhook-limits';
import { WalletBudget } from './wallet-budget';
import { RateLimitGuard } from './rate-limit.guard';
import { throttlersFor } from './rate-limit.policies';

/** Rate limits (API.md): @nestjs/throttler, Redis storage shared by all processes, IETF RateLimit headers. */
@Global()
@Module({
  imports: [
    RateLimitRedisModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitRedisModule],
      inject: [APP_CONFIG, RateLimitRedis],
      useFactory: (config: AppConfig, redis: RateLimitRedis) => {
        // its own AuthService (digests only): the limiter runs before the auth guard and must not depend on it
        const keys = new AuthService(config);
        return {
          storage: new ThrottlerStorageRedisService(redis.client),
          throttlers: throttlersFor(config, (secret) => keys.clientFor(secret)),
          setHeaders: false,
        };
      },
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, WebhookRateLimits, WalletBudget],
  exports: [WebhookRateLimits, WalletBudget],
})
export class RateLimitModule {}

export { RateLimitRedis };
