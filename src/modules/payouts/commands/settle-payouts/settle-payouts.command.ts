import { Command } from '@nestjs/cqrs';

export interface SettleResult {
  checked: number;
  settled: number;
  rebroadcast: number;
}

/** One tick of the chain watcher: settle payouts mined with CONFIRMATIONS depth; re-send unsent ones. */
export class SettlePayoutsCommand extends Command<SettleResult> {
  constructor(readonly actor: string) {
    super();
  }
}
