import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { GroupNotFoundError } from '../../domain/cycle.errors';
import { GroupView, toGroupView } from '../../domain/group.view';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { GetGroupQuery } from './get-group.query';

@QueryHandler(GetGroupQuery)
export class GetGroupHandler implements IQueryHandler<GetGroupQuery> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly repo: CyclesRepository,
  ) {}

  /** One snapshot (REPEATABLE READ), so the cycle, its contributions and past cycles agree with each other. */
  async execute(q: GetGroupQuery): Promise<GroupView> {
    return this.txHost.withTransaction({ isolationLevel: 'REPEATABLE READ' }, async () => {
      const g = await this.repo.findVisibleGroup(q.groupId, q.owner);
      if (!g) throw new GroupNotFoundError(q.groupId);
      const [members, contributions, payouts] = [
        await this.repo.members(g.id),
        await this.repo.contributions(g.id, g.currentCycle),
        await this.repo.payouts(g.id),
      ];
      return toGroupView(g, members, contributions, payouts);
    });
  }
}
