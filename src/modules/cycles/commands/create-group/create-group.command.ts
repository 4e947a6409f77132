import { Command } from '@nestjs/cqrs';
import type { GroupView } from '../../domain/group.view';

export class CreateGroupCommand extends Command<GroupView> {
  constructor(
    readonly name: string,
    readonly token: string,
    readonly contributionAmount: string,
    readonly members: string[],
    /** API key name */
    readonly createdBy: string,
  ) {
    super();
  }
}
