import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { CompleteCycleCommand } from '../complete-cycle/complete-cycle.command';
import { CompleteDueCyclesCommand } from './complete-due-cycles.command';

@CommandHandler(CompleteDueCyclesCommand)
export class CompleteDueCyclesHandler implements ICommandHandler<CompleteDueCyclesCommand> {
  constructor(
    private readonly repo: CyclesRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute(cmd: CompleteDueCyclesCommand): Promise<{ completed: number }> {
    let completed = 0;
    for (const groupId of await this.repo.dueGroups(100)) {
      const r = await this.commands.execute(new CompleteCycleCommand(groupId, cmd.actor));
      if (r.status === 'completed') completed++;
    }
    return { completed };
  }
}
