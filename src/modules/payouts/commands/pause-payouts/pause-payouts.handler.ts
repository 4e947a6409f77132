import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { ChainService } from '../../../../platform/chain/chain.service';
import { DomainError, ValidationError } from '../../../../platform/errors/domain-error';
import { GetTrialBalanceQuery } from '../../../ledger/queries/get-trial-balance/get-trial-balance.query';
import { describeBreach, FloorBreaker } from '../../floor-breaker.service';
import { ALL_TOKENS, Pause, PausesRepository } from '../../persistence/pauses.repository';
import { tokenOfCurrency } from '../trip-imbalance-breaker/trip-imbalance-breaker.handler';
import { PausePayoutsCommand, PausesView, ResumePayoutsCommand } from './pause-payouts.command';

/** The token a pause names: a configured symbol (any case), or every token when none is given. */
function tokenOf(chain: ChainService, token: string | null | undefined): string {
  if (token === undefined || token === null) return ALL_TOKENS; // `{"token": null}` passes @IsOptional: every token, as no token
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

/** A breaker's pause cannot be lifted: its cause is still there (409). Nothing was resumed. */
export class CausePresentError extends DomainError {
  constructor(causes: string[]) {
    super('PAYOUT.CAUSE_PRESENT', `nothing resumed: the breaker's cause is still present: ${causes.join('; ')}`);
  }
}

/**
 * POST /v1/admin/payouts/resume: lifts the pauses of that token (every pause when none is given). Idempotent.
 * A breaker's pause whose cause can be measured is lifted only once the cause is gone (else 409
 * PAYOUT.CAUSE_PRESENT and nothing is lifted): `imbalance` while the ledger's postings in that currency do not
 * sum to zero, `floor` while a lane is under TREASURY_FLOOR of that token. Lifting it anyway would only let
 * payouts through until the breaker's next check trips it again. `drift` is lifted on the admin's word: the
 * outflow is booked when it trips, so nothing remains to measure, only to explain. `manual` always.
 */
@CommandHandler(ResumePayoutsCommand)
export class ResumePayoutsHandler implements ICommandHandler<ResumePayoutsCommand> {
  private readonly logger = new Logger('Pause');

  constructor(
    private readonly chain: ChainService,
    private readonly pauses: PausesRepository,
    private readonly floor: FloorBreaker,
    private readonly queries: QueryBus,
  ) {}

  async execute(cmd: ResumePayoutsCommand): Promise<PausesView> {
    const token = tokenOf(this.chain, cmd.token);
    // the pauses this resume lifts, read once: their causes are checked, and only they are lifted (a breaker
    // trip committed meanwhile stays)
    const lifting = (await this.pauses.list()).filter((p) => token === ALL_TOKENS || p.token === token);
    const causes = await this.causesPresent(token, lifting);
    if (causes.length > 0) throw new CausePresentError(causes);
    const lifted = await this.pauses.lift(lifting);
    if (lifted) this.logger.warn(`payouts of ${token === ALL_TOKENS ? 'every token' : token} resumed by ${cmd.actor} (${lifted} pause(s) lifted)`);
    return { paused: await this.pauses.list() };
  }

  /** The causes still present of the breaker pauses a resume of `token` would lift. */
  private async causesPresent(token: string, lifting: Pause[]): Promise<string[]> {
    const causes: string[] = [];
    if (lifting.some((p) => p.reason === 'imbalance')) {
      const { currencies } = await this.queries.execute(new GetTrialBalanceQuery());
      for (const [currency, sum] of Object.entries(currencies)) {
        if (sum === '0' || (token !== ALL_TOKENS && tokenOfCurrency(this.chain, currency) !== token)) continue;
        causes.push(`imbalance: the ledger's postings in ${currency} sum to ${sum} base units, not 0 (GET /v1/ledger/trial-balance)`);
      }
    }
    if (lifting.some((p) => p.reason === 'floor')) {
      for (const b of await this.floor.breaches(token)) causes.push(`floor: ${describeBreach(this.chain, b)}`);
    }
    return causes;
  }
}
