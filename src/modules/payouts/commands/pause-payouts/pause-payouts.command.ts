import { Command } from '@nestjs/cqrs';
import type { Pause } from '../../persistence/pauses.repository';

export interface PausesView {
  paused: Pause[];
}

/** An admin pauses payouts of `token` (undefined: every token): nothing of it is signed until resumed. */
export class PausePayoutsCommand extends Command<PausesView> {
  constructor(
    readonly token: string | undefined,
    readonly actor: string,
  ) {
    super();
  }
}

/** An admin lifts every pause of `token` (undefined: every pause), the breaker's included, once its cause is gone. */
export class ResumePayoutsCommand extends Command<PausesView> {
  constructor(
    readonly token: string | undefined,
    readonly actor: string,
  ) {
    super();
  }
}
