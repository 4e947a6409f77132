import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { describeSafely } from '../../../../platform/errors/problem.filter';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { CompleteCycleCommand } from '../complete-cycle/complete-cycle.command';
import { CompleteDueCyclesCommand } from './complete-due-cycles.command';

const PAGE = 100;

/**
 * Pages through every due group; one group whose completion fails (logged by CompleteCycle, e.g. a payout
 * claim conflict) is reported and skipped, never allowed to stop the sweep for the groups after it.
 */
@CommandHandler(CompleteDueCyclesCommand)
export class CompleteDueCyclesHandler implements ICommandHandler<CompleteDueCyclesCommand> {
  private readonly logger = new Logger('CompleteDueCycles');

  constructor(
    private readonly repo: CyclesRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute(cmd: CompleteDueCyclesCommand): Promise<{ completed: number; failed: number }> {
    let completed = 0;
    let failed = 0;
    let after: string | null = null;
    for (;;) {
      const page: string[] = await this.repo.dueGroups(PAGE, after);
      for (const groupId of page) {
        try {
          const r = await this.commands.execute(new CompleteCycleCommand(groupId, cmd.actor));
          if (r.status === 'completed') completed++;
        } catch (err) {
          failed++;
          this.logger.warn(`group ${groupId}: completion failed: ${describeSafely(err)}`);
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
    }
    return { completed, failed };
  }
}
