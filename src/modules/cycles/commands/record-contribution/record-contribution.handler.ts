import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Accounts, transfer } from '../../../ledger/domain/accounts';
import { LedgerService } from '../../../ledger/ledger.service';
import { checkContribution, parseContributionData } from '../../domain/contribution-check';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { RecordContributionCommand, RecordContributionResult } from './record-contribution.command';

/**
 * Validates group, token, amount, member and cycle, then inserts the contribution (one per group, cycle
 * and member) with its journal: debit `external:<provider>:<TOKEN>`, credit `group:<id>:<TOKEN>`. The group
 * row is read FOR SHARE, so a completion in progress finishes first and the current cycle is the real one.
 * Completion itself is a separate command (CompleteCycleCommand), run after this transaction commits.
 */
@CommandHandler(RecordContributionCommand)
export class RecordContributionHandler implements ICommandHandler<RecordContributionCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: CyclesRepository,
    private readonly ledger: LedgerService,
  ) {}

  async execute(cmd: RecordContributionCommand): Promise<RecordContributionResult> {
    const parsed = parseContributionData(cmd.data);
    if (!parsed.ok) return { status: 'rejected', reason: parsed.reason, groupId: null };
    const c = parsed.value;
    return this.txHost.withTransaction(async (): Promise<RecordContributionResult> => {
      const group = await this.repo.findGroupForShare(c.groupId);
      if (!group) return { status: 'rejected', reason: `no savings group with id ${c.groupId}`, groupId: null };
      const members = await this.repo.members(group.id);
      const checked = checkContribution(
        {
          id: group.id,
          token: group.token,
          decimals: group.decimals,
          contributionBase: BigInt(group.contributionBase),
          currentCycle: group.currentCycle,
          members,
        },
        c,
      );
      if (!checked.ok) return { status: 'rejected', reason: checked.reason, groupId: group.id };
      const id = await this.repo.insertContribution({
        groupId: group.id,
        cycle: c.cycle,
        wallet: c.wallet,
        amountBase: checked.value,
        provider: cmd.provider,
        sourceEvent: cmd.sourceEvent,
      });
      if (!id) {
        return { status: 'rejected', reason: `wallet ${c.wallet} already contributed to cycle ${c.cycle} of group ${group.id}`, groupId: group.id };
      }
      await this.ledger.post(
        `contribution:${id}`,
        'cycle.contribution',
        group.id,
        transfer(Accounts.external(cmd.provider, group.token), Accounts.group(group.id, group.token), group.token, checked.value),
      );
      return { status: 'recorded', groupId: group.id, cycle: c.cycle, contributionId: id };
    });
  }
}
