import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { redisOptions } from '../queue/redis-options';
import { AuthService } from '../auth/auth.service';
import { RateLimitGuard } from './rate-limit.guard';
import { throttlersFor } from './rate-limit.policies';

/**
 * The Redis client of the throttler storage. The storage never closes a client it is handed (STACK.md):
 * this provider quits it on shutdown. Lazy: a worker-only process never connects.
 */
@Injectable()
export class RateLimitRedis implements OnApplicationShutdown {
  readonly client: IORedis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new IORedis({
      ...redisOptions(config.redisUrl),
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined); // a down Redis is logged by the guard (fail open)
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}

@Module({ providers: [RateLimitRedis], exports: [RateLimitRedis] })
class RateLimitRedisModule {}

/** Rate limits (API.md): @nestjs/throttler, Redis storage shared by all processes, IETF RateLimit headers. */
@Global()
@Module({
  imports: [
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
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
