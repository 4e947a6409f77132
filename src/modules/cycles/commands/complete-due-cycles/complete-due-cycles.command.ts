import { Command } from '@nestjs/cqrs';

/** Safety net: completes every cycle that has all its contributions but was left uncompleted (a crash between the two). */
export class CompleteDueCyclesCommand extends Command<{ completed: number; failed: number }> {
  constructor(readonly actor: string) {
    super();
  }
}
