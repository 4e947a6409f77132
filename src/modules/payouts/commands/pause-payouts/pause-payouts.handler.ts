import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { ALL_TOKENS, PausesRepository } from '../../persistence/pauses.repository';
import { PausePayoutsCommand, PausesView, ResumePayoutsCommand } from './pause-payouts.command';

/** The token a pause names: a configured symbol (any case), or every token when none is given. */
function tokenOf(chain: ChainService, token: string | undefined): string {
  if (token === undefined) return ALL_TOKENS;
  const symbol = token.toUpperCase();
  if (!chain.token(symbol)) throw new ValidationError([{ field: 'token', message: `unknown token; configured: ${chain.tokenSymbols().join(', ')}` }]);
  return symbol;
}

/**
 * POST /v1/admin/payouts/pause: from the commit on, no lane signs a payout of that token (the lane checks under
 * its signer lock); claims keep arriving and wait `pending`. Idempotent: pausing twice keeps the first pause.
 */
@CommandHandler(PausePayoutsCommand)
export class PausePayoutsHandler implements ICommandHandler<PausePayoutsCommand> {
  private readonly logger = new Logger('Pause');

  constructor(
    private readonly chain: ChainService,
    private readonly pauses: PausesRepository,
  ) {}

  async execute(cmd: PausePayoutsCommand): Promise<PausesView> {
    const token = tokenOf(this.chain, cmd.token);
    await this.pauses.pause(token, 'manual', cmd.actor);
    this.logger.warn(`payouts of ${token === ALL_TOKENS ? 'every token' : token} paused by ${cmd.actor}`);
    return { paused: await this.pauses.list() };
  }
}

/** POST /v1/admin/payouts/resume: lifts the pauses of that token (every pause when none is given). Idempotent. */
@CommandHandler(ResumePayoutsCommand)
export class ResumePayoutsHandler implements ICommandHandler<ResumePayoutsCommand> {
  private readonly logger = new Logger('Pause');

  constructor(
    private readonly chain: ChainService,
    private readonly pauses: PausesRepository,
  ) {}

  async execute(cmd: ResumePayoutsCommand): Promise<PausesView> {
    const token = tokenOf(this.chain, cmd.token);
    const lifted = await this.pauses.resume(token);
    if (lifted) this.logger.warn(`payouts of ${token === ALL_TOKENS ? 'every token' : token} resumed by ${cmd.actor} (${lifted} pause(s) lifted)`);
    return { paused: await this.pauses.list() };
  }
}
