import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import IORedis from 'ioredis';
import { Logger as PinoLogger } from 'nestjs-pino';
import { MetricsServer, serveWorkerMetrics } from './platform/metrics/worker-metrics-server';
import { AppModule } from './app.module';
import { AppConfig, ConfigError, tokensLine } from './config/config';
import { TreasuryKey } from './config/treasury-key';
import { createProvider } from './platform/chain/chain.service';
import { BOOT_RPC_DELAYS_MS, shortRpcReason, withRpcRetry } from './platform/chain/rpc-retry';
import { rpcHost } from './platform/chain/rpc-url';
import { DEV_CHAIN_IDS, devAccount, isWellKnownDevAddress, isWellKnownDevKey } from './platform/chain/dev-accounts';
import { ensureDatabase } from './platform/database/ensure-database';
import { runMigrations } from './platform/database/data-source';
import { sendProblem, toProblem } from './platform/errors/problem.filter';
import { createValidationPipe } from './platform/errors/validation';
import { registerBodyParsers } from './platform/http/body-parsers';
import { scopeInlineCsp, STRICT_CSP_DIRECTIVES } from './platform/http/csp';
import { fastifyRequestIdOptions } from './platform/logging/pino-options';
import { buildOpenApiDocument } from './platform/openapi/openapi-document';
import { RejectNulPipe } from './platform/rate-limit/reject-nul.pipe';
import { redisOptions } from './platform/queue/redis-options';

/** A dependency is missing at boot: one line saying which and how to fix it. */
export class BootError extends Error {}

export const DEV_API_KEY = 'payrail-dev-key';
/** At least 32 characters like every admin token (MIN_ADMIN_TOKEN_LENGTH); published, so refused off dev chains. */
export const DEV_ADMIN_TOKEN = 'payrail-dev-admin-token-for-dev-chains-only';

function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
}

function unreachable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code) ||
    /timeout|ECONNREFUSED|connect/i.test((err as Error).message ?? '');
}

/**
 * Everything that must hold before Nest starts: Postgres reachable (database created, migrations run under
 * an advisory lock), Redis reachable, the chain id checked, and the dev-only defaults applied only on dev
 * chains. Returns the finalised config.
 */
export async function preflight(config: AppConfig, log: (line: string) => void = (l) => new Logger('Boot').log(l)): Promise<AppConfig> {
  try {
    await ensureDatabase(config.databaseUrl);
  } catch (err) {
    if (unreachable(err)) {
      throw new BootError(
        `Postgres is unreachable at ${hostPort(config.databaseUrl)}: start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_URL`,
      );
    }
    throw err;
  }
  const applied = await runMigrations(config.databaseUrl);
  if (applied.length) log(`migrations applied: ${applied.join(', ')}`);

  const redis = new IORedis({ ...redisOptions(config.redisUrl), lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new BootError(
      `Redis is unreachable at ${hostPort(config.redisUrl)}: start it (redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }

  const chainId = await probeChainId(config, log);
  if (config.devchainChainId !== null && config.devchainChainId !== chainId) {
    // its tokens (and chain id) describe another chain: refuse rather than pay with the wrong contracts
    throw new ConfigError(
      `DEVCHAIN_FILE: ${config.devchainFile} describes chain ${config.devchainChainId} but the RPC at ${rpcHost(config.chainRpcUrl)} reports ${chainId}; set TOKENS for this chain or restart the dev chain`,
    );
  }
  if (config.chainId !== null && config.chainId !== chainId) {
    throw new ConfigError(`CHAIN_ID: configured ${config.chainId} but the RPC reports ${chainId}`);
  }
  return finaliseForChain({ ...config, chainId }, log);
}

/**
 * The chain id from the RPC, retried with backoff on any error (5 attempts over ~15 s, each logged with the
 * host only, never the URL: a hosted URL carries its key), then one BootError line.
 */
async function probeChainId(config: AppConfig, log: (line: string) => void): Promise<number> {
  const host = rpcHost(config.chainRpcUrl);
  try {
    return await withRpcRetry(`chain RPC at ${host}: eth_chainId`, async () => {
      const probe = createProvider(config.chainRpcUrl, config.chainId ?? 1);
      try {
        return Number(BigInt((await probe.send('eth_chainId', [])) as string));
      } finally {
        probe.destroy();
      }
    }, log);
  } catch (err) {
    throw new BootError(
      `The chain RPC is unreachable at ${host} (${BOOT_RPC_DELAYS_MS.length + 1} attempts, last: ${shortRpcReason(err)}): ${config.devchain ? 'run "npm run devchain" (npm start does it for you)' : 'check CHAIN_RPC_URL'}`,
    );
  }
}

/**
 * Dev defaults only on dev chains and never with NODE_ENV=production; a dev key or missing secrets on a real
 * chain (or in production, whatever the chain id) stop boot.
 */
export function finaliseForChain(config: AppConfig, log: (line: string) => void): AppConfig {
  const production = config.nodeEnv === 'production';
  // production never takes a dev fallback, even when its RPC is a dev node (a misconfigured CHAIN_RPC_URL)
  const dev = DEV_CHAIN_IDS.includes(config.chainId!) && !production;
  const where = production ? `with NODE_ENV=production (chain ${config.chainId})` : `on chain ${config.chainId}`;
  const out = { ...config };
  if (!dev && out.tokensFromDevchain) throw new ConfigError(`TOKENS: required ${where} (the dev chain file only configures dev chains)`);
  // the active signers: keys (raw or keystore), or the addresses of a remote signer (no key here)
  const remote = out.remoteSigner;
  const keys = [...out.treasuryPrivateKeys];
  const pool = out.treasuryKeysVar === 'TREASURY_PRIVATE_KEYS';
  if (remote) {
    // a remote signer signing for a published dev account pays from an account anyone can drain
    const i = remote.addresses.findIndex(isWellKnownDevAddress);
    if (!dev && i >= 0) throw new ConfigError(`REMOTE_SIGNER_ADDRESS: ${remote.addresses[i]} is a well-known dev account (its key is published), refused ${where}`);
  } else if (keys.length === 0) {
    if (!dev) throw new ConfigError(`TREASURY_PRIVATE_KEY: required ${where} (or TREASURY_PRIVATE_KEYS, TREASURY_KEYSTORE or REMOTE_SIGNER_URL)`);
    keys.push(new TreasuryKey(devAccount(0).privateKey));
    log('TREASURY_PRIVATE_KEY unset: using dev chain account 0 (dev chains only)');
  } else if (!dev) {
    // every active key: one published key in a pool pays from an account anyone can drain
    const i = keys.findIndex((k) => isWellKnownDevKey(k.reveal()));
    if (i >= 0) throw new ConfigError(pool ? `TREASURY_PRIVATE_KEYS: entry ${i + 1} is a well-known dev key, refused ${where}` : `${out.treasuryKeysVar}: a well-known dev key is refused ${where}`);
  }
  out.treasuryPrivateKeys = keys;
  if (!dev && out.retiredTreasuryKeys.some((k) => isWellKnownDevKey(k.reveal()))) {
    throw new ConfigError(`RETIRED_TREASURY_KEYS: a well-known dev key is refused ${where}`);
  }
  if (out.apiKeys.length === 0) {
    if (!dev) throw new ConfigError(`API_KEYS: required ${where}`);
    out.apiKeys = [{ name: 'dev', secret: DEV_API_KEY }];
    log(`API_KEYS unset: the dev key "${DEV_API_KEY}" works (dev chains only)`);
  } else if (!dev && out.apiKeys.some((k) => k.secret === DEV_API_KEY)) {
    throw new ConfigError(`API_KEYS: the published dev key is refused ${where}`);
  }
  if (!out.adminToken && out.adminTokens.length === 0) {
    if (!dev) throw new ConfigError(`ADMIN_TOKEN: required ${where} (or named admins in ADMIN_TOKENS)`);
    out.adminToken = DEV_ADMIN_TOKEN;
    log(`ADMIN_TOKEN unset: the dev token "${DEV_ADMIN_TOKEN}" works (dev chains only)`);
  } else if (!dev && [out.adminToken, ...out.adminTokens.map((a) => a.secret)].includes(DEV_ADMIN_TOKEN)) {
    throw new ConfigError(`ADMIN_TOKEN: the published dev token is refused ${where}`);
  }
  if (out.webhookAllowPrivateTargets === null) {
    out.webhookAllowPrivateTargets = dev;
    if (dev) log('WEBHOOK_ALLOW_PRIVATE_TARGETS unset: outbound webhooks may target loopback and private addresses (dev chains only)');
  }
  const active = remote ? [...remote.addresses] : keys.map((k) => k.address);
  const retired = out.retiredTreasuryKeys.map((k) => k.address);
  const signedBy = remote ? ` (signed by the remote signer at ${remote.host})` : '';
  const treasury = (active.length > 1 ? `treasury pool of ${active.length} signers ${active.join(', ')}` : `treasury ${active[0]}`) + signedBy;
  log(`chain ${config.chainId} at ${rpcHost(config.chainRpcUrl)}; ${treasury}${retired.length ? `; retired signers ${retired.join(', ')}` : ''}`);
  log(tokensLine(out));
  return out;
}

export interface RunningApp {
  app: INestApplicationContext;
  /** http://127.0.0.1:<port> when the HTTP role is on */
  url: string | null;
  /** ROLE=worker with METRICS_PORT: http://127.0.0.1:<port> serving GET /metrics */
  metricsUrl: string | null;
  close(): Promise<void>;
}

/** Starts the app for its role: HTTP (api, all) and/or processors (worker, all). */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  // every role logs through pino (LoggingModule): JSON lines, LOG_LEVEL, request ids, secrets redacted
  if (config.role === 'worker') {
    const ctx = await NestFactory.createApplicationContext(AppModule.register(config), { bufferLogs: true });
    ctx.useLogger(ctx.get(PinoLogger));
    let metrics: MetricsServer | null = null;
    if (config.metricsPort !== null) {
      try {
        metrics = await serveWorkerMetrics(config.metricsPort, config.host);
      } catch (err) {
        await ctx.close(); // its processors are already running: stop them before failing the boot
        throw new BootError(`METRICS_PORT ${config.metricsPort}: cannot listen (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    return {
      app: ctx,
      url: null,
      metricsUrl: metrics?.url ?? null,
      close: async () => {
        await metrics?.close(); // the last scrape sees the drain, then the port is released
        await ctx.close();
      },
    };
  }
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // TRUST_PROXY: whose X-Forwarded-For sets req.ip (the per-IP rate limit's client); unset = the socket's address
    trustProxy: config.trustProxy,
    ...fastifyRequestIdOptions(),
    // the router's own errors (a path parameter over 100 characters: 414, a malformed URL: 400) as problem+json too
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, { ...toProblem(err, new Logger('Errors')), instance: req.url.split('?')[0] }),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  registerBodyParsers(app, config.bodyLimitBytes);

  // security headers; a strict CSP everywhere but Swagger UI (/docs) and the board, which need inline scripts
  await app.register(helmet, { contentSecurityPolicy: { directives: STRICT_CSP_DIRECTIVES } });
  scopeInlineCsp(app.getHttpAdapter().getInstance());
  if (config.corsOrigins.length) {
    // CORS is off unless CORS_ORIGINS names the browser origins allowed
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Admin-Token'],
      exposedHeaders: ['X-Idempotency', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(new RejectNulPipe(), createValidationPipe());
  const doc = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, url: `http://127.0.0.1:${port}`, metricsUrl: null, close: () => app.close() };
}
