import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/config';
import { LoggingModule } from '../logging/logging.module';
import { TracingModule } from '../tracing/tracing.module';
import { QueueBoardModule } from './queue-board';

/**
 * Logging (pino, every role), tracing (OpenTelemetry, opt-in) and, where HTTP runs, Bull Board at
 * /admin/queues. Metrics and health have their own modules (platform/metrics, modules/health).
 */
@Module({})
export class ObservabilityModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(), TracingModule, ...(config.role === 'worker' ? [] : [QueueBoardModule.register()])],
    };
  }
}
