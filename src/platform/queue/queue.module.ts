import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { newWorkerId, WORKER_ID } from './worker-id';
import { RedisClient } from './redis.provider';

/** BullMQ on the configured Redis; every queue under one prefix (so test runs and tenants never mix). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: config.queuePrefix,
      }),
    }),
  ],
  providers: [{ provide: WORKER_ID, useFactory: newWorkerId }, RedisClient],
  exports: [WORKER_ID, RedisClient],
})
export class QueueModule {}
