import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IDEMPOTENCY_CLEANUP_QUEUE } from './cleanup.job';
import { IdempotencyCleanupProcessor } from './cleanup.processor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRecorder } from './idempotency.recorder';
import { IdempotencyStore } from './idempotency.store';
import { PurgeExpiredIdempotencyRecordsHandler } from './purge-expired.handler';

/**
 * Idempotency-Key for every client and admin POST (API.md): a global interceptor that claims the record,
 * an onSend hook that stores the exact response, and (worker roles only) the cleanup job.
 */
@Module({})
export class IdempotencyModule {
  static register(opts: { workers: boolean }): DynamicModule {
    const processors: Provider[] = opts.workers ? [IdempotencyCleanupProcessor] : [];
    return {
      module: IdempotencyModule,
      imports: [BullModule.registerQueue({ name: IDEMPOTENCY_CLEANUP_QUEUE })],
      providers: [
        IdempotencyStore,
        IdempotencyRecorder,
        PurgeExpiredIdempotencyRecordsHandler,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        ...processors,
      ],
      exports: [IdempotencyStore],
    };
  }
}
