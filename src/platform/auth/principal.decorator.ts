import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthedRequest, Principal } from './auth.guard';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  return req.principal ?? { kind: 'client', name: 'anonymous' };
});
