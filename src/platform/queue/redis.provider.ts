import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { redisOptions } from './redis-options';

/** A plain Redis client for health checks and small reads (BullMQ keeps its own connections). */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: IORedis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = new IORedis({
      ...redisOptions(config.redisUrl),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => undefined); // surfaced by health checks, not as crashes
    void this.redis.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
