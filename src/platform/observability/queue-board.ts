import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule, InjectBullBoard } from '@bull-board/nestjs';
import type { BullBoardInstance } from '@bull-board/nestjs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthService } from '../auth/auth.service';
import { sendProblem } from '../errors/problem.filter';
import { problem } from '../errors/problem';
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

/** The admin token from `X-Admin-Token`, `Authorization: Bearer <t>` or `Authorization: Basic <any:t>` (browser prompt). */
export function adminTokenFrom(headers: IncomingHttpHeaders): string | null {
  const x = headers['x-admin-token'];
  if (typeof x === 'string' && x) return x;
  const auth = headers.authorization;
  if (typeof auth !== 'string') return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth.trim());
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth.trim());
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i >= 0 ? decoded.slice(i + 1) : null;
  }
  return null;
}

/**
 * Guards everything under /admin/queues with the admin token. Bull Board's own `middleware` option only
 * covers the exact path (STACK.md), so this is a Fastify onRequest hook that runs after routing for every
 * route (the board's API and static files included), checking the matched route pattern, not the raw URL.
 */
@Injectable()
export class QueueBoardGuard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (!isBoardRequest(req.routeOptions?.url, req.raw.url)) return done();
      const token = adminTokenFrom(req.headers);
      if (token && this.auth.isAdmin(token)) return done();
      const forbidden = token !== null && this.auth.clientFor(token) !== null;
      const p = forbidden
        ? problem(403, 'auth-forbidden', 'The queue board needs the admin token, not an API key.', { code: 'AUTH.FORBIDDEN' })
        : problem(401, 'auth-unauthorized', 'The queue board needs the admin token (Authorization: Bearer, X-Admin-Token or Basic with the token as password).', {
            code: 'AUTH.UNAUTHORIZED',
          });
      p.instance = QUEUE_BOARD_PATH;
      sendProblem(reply, p, forbidden ? {} : { 'www-authenticate': 'Basic realm="Payrail admin", charset="UTF-8"' });
    });
  }
}

/** Shows every queue of the app on the board. */
@Injectable()
export class QueueBoardQueues implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    @InjectBullBoard() private readonly board: BullBoardInstance,
  ) {}

  onModuleInit(): void {
    for (const q of discoverQueues(this.discovery)) this.board.addQueue(new BullMQAdapter(q));
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
