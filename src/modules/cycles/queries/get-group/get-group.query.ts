import { Query } from '@nestjs/cqrs';
import type { GroupView } from '../../domain/group.view';

export class GetGroupQuery extends Query<GroupView> {
  constructor(readonly groupId: string) {
    super();
  }
}
