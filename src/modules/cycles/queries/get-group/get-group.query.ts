import { Query } from '@nestjs/cqrs';
import type { GroupView } from '../../domain/group.view';

export class GetGroupQuery extends Query<GroupView> {
  constructor(
    readonly groupId: string,
    /** the API key asking (only what it created; another key's is a 404); null/unset = any (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
