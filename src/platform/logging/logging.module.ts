import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { setRootLogger } from './log-context';
import { createRootLogger, pinoHttpOptions } from './pino-options';
import { RequestIdHeader, RequestIdInterceptor } from './request-id';

/**
 * Logging through pino (nestjs-pino) for every role: JSON lines (pretty only for a developer's terminal),
 * LOG_LEVEL, one request id per HTTP request (x-request-id accepted or generated, echoed), secrets redacted.
 * bootstrap.ts makes it Nest's logger (`bufferLogs`, `useLogger(app.get(Logger))`).
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            // nestjs-pino keeps its out-of-request logger per process; each app (tests boot several) its own
            __resetOutOfContextForTests();
            const logger = createRootLogger(config);
            setRootLogger(logger);
            return { pinoHttp: pinoHttpOptions(logger) };
          },
        }),
      ],
      providers: [RequestIdHeader, { provide: APP_INTERCEPTOR, useClass: RequestIdInterceptor }],
    };
  }
}
