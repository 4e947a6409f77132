import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { redisOptions } from '../queue/redis-options';

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
export class RateLimitRedisModule {}

