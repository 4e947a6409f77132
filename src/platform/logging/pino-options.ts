import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '../../config/config';
import { redactRpcUrl, registerRpcUrl } from '../chain/rpc-url';
import { describeSafely } from '../errors/problem.filter';

/** Request ids we accept from a caller's `x-request-id`; anything else is replaced by a fresh UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The caller's `x-request-id` when it is a sane token, else a new UUID. */
export function requestIdFrom(header: unknown): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Field paths never written as they are: credentials, keys, signatures and signed transactions. `token`
 * is deliberately absent (it is a claim's currency symbol); token-like secrets have their own names.
 */
const SECRET_FIELDS = [
  'privateKey',
  'treasuryPrivateKey',
  'remoteSignerUrl',
  'treasuryPrivateKeys',
  'retiredTreasuryKeys',
  'mnemonic',
  'secret',
  'secrets',
  'apiKey',
  'apiKeys',
  'adminToken',
  'adminTokens',
  'accessToken',
  'authToken',
  'password',
  'authorization',
  'signature',
  'signatures',
  'rawTx',
  'webhookSecrets',
];
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers["x-admin-token"]',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The configured secret VALUES (treasury key, API key secrets, admin token, webhook secrets). Whatever a
 * message interpolates, a line containing one of them is written with `[REDACTED]` in its place: the last
 * line of defence behind the field redaction above.
 */
export function secretValues(
  config: Pick<AppConfig, 'apiKeys' | 'adminToken' | 'webhookSecrets'> & Partial<Pick<AppConfig, 'treasuryPrivateKeys' | 'retiredTreasuryKeys' | 'adminTokens'>>,
): string[] {
  const out = new Set<string>();
  const add = (v: string | null | undefined) => {
    if (v && v.length >= 8) out.add(v);
  };
  // every signing key held here: the pool's (TREASURY_PRIVATE_KEYS) and the retired ones as much as the first
  // (a remote signer's URL is scrubbed by redactRpcUrl: RemoteSignerTarget registers it)
  for (const key of [...(config.treasuryPrivateKeys ?? []), ...(config.retiredTreasuryKeys ?? [])]) add(key.reveal().replace(/^0x/i, ''));
  for (const k of config.apiKeys) add(k.secret);
  add(config.adminToken);
  for (const a of config.adminTokens ?? []) add(a.secret);
  for (const w of config.webhookSecrets) {
    add(w.secret);
    if (w.secret.startsWith('whsec_')) add(w.secret.slice('whsec_'.length));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export function secretScrubber(secrets: string[]): (line: string) => string {
  if (secrets.length === 0) return (line) => line;
  // hex secrets (the key) in any letter case; others exactly
  const re = new RegExp(secrets.map((s) => (/^[0-9a-fA-F]+$/.test(s) ? `(?:${escapeRegExp(s).replace(/[a-fA-F]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})` : escapeRegExp(s))).join('|'), 'g');
  return (line) => (line.length < 8 ? line : line.replace(re, '[REDACTED]'));
}

/** Errors are logged as class and cleaned message (no stack trace, SQL or secrets: API.md "Errors"). */
export function safeError(err: unknown): { type: string; message: string } {
  return { type: (err as Error)?.name ?? typeof err, message: describeSafely(err) };
}

/** Pretty lines only for a developer watching a terminal; JSON lines everywhere else. */
export function wantsPretty(config: Pick<AppConfig, 'nodeEnv' | 'logFile'>, stdoutIsTty: boolean): boolean {
  return config.nodeEnv === 'development' && stdoutIsTty && !config.logFile;
}

type LogConfig = Pick<AppConfig, 'logLevel' | 'logFile' | 'nodeEnv' | 'role' | 'apiKeys' | 'adminToken' | 'webhookSecrets'> &
  Partial<Pick<AppConfig, 'chainRpcUrl' | 'treasuryPrivateKeys' | 'retiredTreasuryKeys'>>;

/** The secret values scrubbed, then the RPC URL's key parts (a hosted RPC URL carries its key: rpc-url.ts). */
export function lineScrubber(config: LogConfig): (line: string) => string {
  const secrets = secretScrubber(secretValues(config));
  if (config.chainRpcUrl) registerRpcUrl(config.chainRpcUrl);
  return (line) => redactRpcUrl(secrets(line));
}

/**
 * The root pino logger: level from LOG_LEVEL, redaction, secret scrubbing, destination (LOG_FILE, else
 * stdout; `opts.stream` replaces both, for tests).
 */
export function createRootLogger(config: LogConfig, opts: { stdoutIsTty?: boolean; stream?: DestinationStream } = {}): pino.Logger {
  const stdoutIsTty = opts.stdoutIsTty ?? Boolean(process.stdout.isTTY);
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'payrail', role: config.role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: safeError, error: safeError },
    hooks: { streamWrite: lineScrubber(config) },
  };
  let stream: DestinationStream | undefined = opts.stream;
  if (stream) {
    // given by the caller
  } else if (config.logFile) {
    stream = pino.destination({ dest: config.logFile, sync: true, mkdir: true });
  } else if (wantsPretty(config, stdoutIsTty)) {
    options.transport = { target: 'pino-pretty', options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,pid' } };
    // pino refuses custom level formatters together with a transport that re-reads the level
    delete options.formatters;
  }
  return stream ? pino(options, stream) : pino(options);
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/** Probes and scrapes log at debug (a failing probe at warn); 5xx at error, 4xx at warn, the rest at info. */
export function httpLogLevel(url: string | undefined, status: number, err?: unknown): 'debug' | 'info' | 'warn' | 'error' {
  const path = pathOf(url);
  const probe = path === '/metrics' || path.startsWith('/health/');
  if (err || status >= 500) return probe ? 'warn' : 'error';
  if (status >= 400) return 'warn';
  return probe ? 'debug' : 'info';
}

/** pino-http options for nestjs-pino: one line per request with its id, method, route and status. */
export function pinoHttpOptions(logger: pino.Logger): PinoHttpOptions {
  return {
    logger,
    // Fastify generates the id (see fastifyRequestIdOptions); pino-http reads it from req.id
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => httpLogLevel(req.url, res.statusCode, err),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req.url)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req.url)} ${res.statusCode}`,
    serializers: {
      req: (req: { id?: string; method?: string; url?: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathOf(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: safeError,
    },
  };
}

/** FastifyAdapter options: Fastify's request id is the caller's `x-request-id` (validated) or a UUID. */
export function fastifyRequestIdOptions(): { genReqId: (req: IncomingMessage) => string; requestIdHeader: false } {
  return { genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]), requestIdHeader: false };
}
