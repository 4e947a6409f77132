import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { loadConfig } from './config/config';
import { buildOpenApiDocument } from './platform/openapi/openapi-document';

/**
 * The OpenAPI document without a running server or any service: Nest's preview mode scans the modules and
 * controllers (their decorators are the document) but instantiates no provider, so no database, Redis or
 * chain is contacted. The config below is only what loadConfig needs to parse; no route depends on it
 * (the e2e drift check compares this document with the one a fully booted app serves).
 */
export const EXPORT_ENV: Record<string, string> = {
  ROLE: 'api',
  CHAIN_RPC_URL: 'http://127.0.0.1:1', // never contacted in preview mode
  CHAIN_ID: '31337',
  TOKENS: 'USDC:0x0000000000000000000000000000000000000001:6',
  LOG_LEVEL: 'error',
};

export async function exportOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({ ...EXPORT_ENV });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close().catch(() => undefined);
  }
}
