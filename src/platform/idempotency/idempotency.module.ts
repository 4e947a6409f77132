import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { IDEMPOTENCY_CLEANUP_QUEUE } from './cleanup.job';
import { IdempotencyCleanupProcessor } from './cleanup.processor';
import { IdempotencyEarlyClaimGuard, IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyGate } from './idempotency.gate';
import { IdempotencyRecorder } from './idempotency.recorder';
import { IdempotencyStore } from './idempotency.store';
import { PurgeExpiredIdempotencyRecordsHandler } from './purge-expired.handler';

/**
 * Idempotency-Key for every client and admin POST (API.md): a global guard that starts claiming the record
 * early, a global interceptor that acts on the claim,
 * an onSend hook that stores the exact response, and (worker roles only) the cleanup job.
 */
@Module({})
export class IdempotencyModule {
  static register(opts: { workers: boolean }): DynamicModule {
    const processors: Provider[] = opts.workers ? [IdempotencyCleanupProcessor] : [];
    return {
      module: IdempotencyModule,
      global: true, // IdempotencyGate, for the handlers of opted-in routes
      imports: [BullModule.registerQueue({ name: IDEMPOTENCY_CLEANUP_QUEUE })],
      providers: [
        IdempotencyStore,
        IdempotencyGate,
        IdempotencyRecorder,
        PurgeExpiredIdempotencyRecordsHandler,
        // imported after AuthModule (app.module.ts), so this global guard runs after the auth guard
        { provide: APP_GUARD, useClass: IdempotencyEarlyClaimGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        ...processors,
      ],
      exports: [IdempotencyStore, IdempotencyGate],
    };
  }
}
