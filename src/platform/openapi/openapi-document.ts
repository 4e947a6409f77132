import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentAuth } from '../auth/openapi';
import { documentIdempotency } from '../idempotency/openapi';
import { documentRateLimits, documentRequestLimits } from '../rate-limit/openapi';

/**
 * The OpenAPI document of the HTTP API, built from the controllers' decorators plus what each platform
 * concern documents about itself (auth, idempotency, rate limits, request limits). One function for the
 * served `/docs-json` and for `npm run openapi:generate` (scripts/openapi.js), so the committed
 * openapi.json (and the client generated from it) and the live document can be compared byte for byte.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Payrail')
      .setDescription('Pays crypto out exactly once. Errors are RFC 9457 problem+json.')
      .setVersion('0.1.0')
      // the package is not licensed for redistribution (package.json "UNLICENSED"); said rather than left out
      .setLicense('UNLICENSED', '')
      // clients pass their deployment's URL (the generated client takes `baseUrl`); this is what `npm start` serves
      .addServer('http://127.0.0.1:3000', 'the default local URL (`npm start`, PORT 3000); use your deployment\'s URL')
      .addBearerAuth()
      .build(),
  );
  if (doc.info.license && !doc.info.license.url) delete doc.info.license.url;
  for (const document of [documentAuth, documentIdempotency, documentRateLimits, documentRequestLimits]) document(doc);
  return doc;
}
