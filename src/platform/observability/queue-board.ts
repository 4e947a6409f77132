import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule, InjectBullBoard } from '@bull-board/nestjs';
import type { BullBoardInstance } from '@bull-board/nestjs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AuthService } from '../auth/auth.service';
import { sendProblem, toProblem } from '../errors/problem.filter';
import { Problem, problem } from '../errors/problem';
import { METRIC } from '../metrics/metrics';
import { countPolicy } from '../rate-limit/rate-limit.guard';
import { LimitedRequest, rateLimitKey } from '../rate-limit/rate-limit.policies';
import { discoverQueues } from '../metrics/queues';

export const QUEUE_BOARD_PATH = '/admin/queues';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True for the board's pages, API and assets: by matched route pattern AND by the decoded raw path. */
export function isBoardRequest(routePattern: string | undefined, rawUrl: string | undefined): boolean {
  const under = (p: string) => p === QUEUE_BOARD_PATH || p.startsWith(`${QUEUE_BOARD_PATH}/`);
  if (routePattern && under(routePattern)) return true;
  // find-my-way decodes %xx before routing, so "/admin/%71ueues/..." reaches the board's routes: decode too
  const path = safeDecode((rawUrl ?? '').split('?')[0] ?? '').replace(/\/{2,}/g, '/').toLowerCase();
  return under(path);
}

/**
 * The admin token from `Authorization: Bearer <t>` or `X-Admin-Token`, nothing else. Not Basic: a browser
 * resends Basic credentials by itself, even on a form a foreign page submits, while it never adds these two
 * headers to a cross-site request (a page the admin visits cannot act on the board).
 */
export function adminTokenFrom(headers: IncomingHttpHeaders): string | null {
  const x = headers['x-admin-token'];
  if (typeof x === 'string' && x) return x;
  const auth = headers.authorization;
  if (typeof auth !== 'string') return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth.trim());
  return bearer ? bearer[1]!.trim() : null;
}

/** The board only shows: anything but GET and HEAD is refused even with the token (its queues are read-only too). */
const READ_METHODS = ['GET', 'HEAD'];

/**
 * Guards everything under /admin/queues with the admin token. Bull Board's own `middleware` option only
 * covers the exact path (STACK.md), so this is a Fastify onRequest hook that runs after routing for every
 * route (the board's API and static files included), checking the matched route pattern, not the raw URL.
 * Nest's guards never run for these routes, so the hook does what they do for every other route: counts the
 * per-IP budget first (RL_PER_MIN_IP, the same Redis key as the `ip` policy, so guessing the token is
 * throttled), then counts a refusal in payrail_auth_failures_total{kind="admin"}. Anything but the admin
 * token gets the same 401 (an API key included: no oracle telling a valid key from a wrong one).
 */
@Injectable()
export class QueueBoardGuard implements OnModuleInit {
  private readonly log = new Logger('QueueBoard');
  private lastWarnAt = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @InjectMetric(METRIC.authFailures) private readonly failures: Counter<string>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!isBoardRequest(req.routeOptions?.url, req.raw.url)) return;
      const limited = await countPolicy(
        this.storage,
        req as LimitedRequest,
        reply,
        { name: 'ip', key: rateLimitKey(this.config, 'ip', req.ip), ttl: 60_000, limit: this.config.rlPerMinIp, blockDuration: 60_000 },
        this.failOpen,
      );
      if (limited) return this.refuse(reply, toProblem(limited, this.log), limited.headers);
      const token = adminTokenFrom(req.headers);
      if (!token || !this.auth.isAdmin(token)) {
        this.failures.inc({ kind: 'admin' });
        return this.refuse(
          reply,
          problem(401, 'auth-unauthorized', 'The queue board needs the admin token (Authorization: Bearer or X-Admin-Token).', { code: 'AUTH.UNAUTHORIZED' }),
        );
      }
      if (!READ_METHODS.includes(req.method)) {
        return this.refuse(reply, problem(405, 'method-not-allowed', 'The queue board is read-only.', { code: 'HTTP.METHOD_NOT_ALLOWED' }), { allow: 'GET, HEAD' });
      }
    });
  }

  private refuse(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
    p.instance = QUEUE_BOARD_PATH;
    sendProblem(reply, p, headers);
    return reply;
  }

  private readonly failOpen = (err: unknown) => {
    if (Date.now() - this.lastWarnAt > 10_000) {
      this.lastWarnAt = Date.now();
      this.log.warn(`rate limiting skipped, Redis unavailable: ${(err as Error).name}`);
    }
  };
}

/** Shows every queue of the app on the board. */
@Injectable()
export class QueueBoardQueues implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    @InjectBullBoard() private readonly board: BullBoardInstance,
  ) {}

  onModuleInit(): void {
    // read-only: no retry, promote, clean, pause, add or empty from the board (the admin API does what is needed)
    for (const q of discoverQueues(this.discovery)) this.board.addQueue(new BullMQAdapter(q, { readOnlyMode: true }));
  }
}

/** Bull Board at /admin/queues behind the admin token (HTTP roles only). */
@Module({})
export class QueueBoardModule {
  static register(): DynamicModule {
    return {
      module: QueueBoardModule,
      imports: [
        DiscoveryModule,
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_PATH,
          adapter: FastifyAdapter,
          boardOptions: { uiConfig: { boardTitle: 'Payrail queues' } },
          // the board's own middleware hook sees only the exact path; QueueBoardGuard guards the prefix
          middleware: (_req: unknown, _res: unknown, next: () => void) => next(),
        }),
      ],
      providers: [QueueBoardGuard, QueueBoardQueues],
    };
  }
}
