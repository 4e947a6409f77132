import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CreateClaimCommand } from '../../../claims/commands/create-claim/create-claim.command';
import { formatAmount } from '../../../claims/domain/money';
import { ClaimCreatedEvent } from '../../../claims/events/claim-created.event';
import { Accounts, transfer } from '../../../ledger/domain/accounts';
import { LedgerService } from '../../../ledger/ledger.service';
import { recipientOf } from '../../domain/contribution-check';
import { CycleLock } from '../../domain/cycle-lock';
import { CyclePayoutClaimConflictError, GroupNotFoundError } from '../../domain/cycle.errors';
import { CycleCompletedEvent } from '../../events/cycle-completed.event';
import { CyclesRepository, isUniqueViolation } from '../../persistence/cycles.repository';
import { CompleteCycleCommand, CompleteCycleResult } from './complete-cycle.command';

type Completed = Extract<CompleteCycleResult, { status: 'completed' }> & { token: string; amountBase: string };

/**
 * Cycle completion, exactly once (ARCHITECTURE §1.9). In ONE transaction: the lock step (advisory lock on
 * the group's 64-bit key + the group row FOR UPDATE, see CycleLock), count the current cycle's
 * contributions, and when all members have paid:
 *   - the pot journal: debit `group:<id>:<T>`, credit `expense:rewards:<T>` (the group's money funds the
 *     reward), so `group:<id>` is back at zero;
 *   - the payout claim through CreateClaimCommand (client `cycle`, reason `cycle:<group>:<n>`, hence a
 *     deterministic idempoKey; `internal`: the reason is reserved to us), which joins this transaction and
 *     posts expense:rewards -> payable. An existing claim with that idempoKey is reused only when it is a
 *     `cycle` claim that is not cancelled; anything else (a client claim from before reasons were reserved,
 *     a cancelled one) fails the completion loudly: reusing it would complete the cycle unpaid;
 *   - the cycle payout row, UNIQUE (group_id, cycle_number): even without the locks a second completion
 *     fails here and rolls back (reported as `already-completed`);
 *   - the group advances to cycle n+1.
 * After commit: ClaimCreatedEvent (the claim was created inside our transaction, so CreateClaim left the
 * enqueue to us) and CycleCompletedEvent.
 */
@CommandHandler(CompleteCycleCommand)
export class CompleteCycleHandler implements ICommandHandler<CompleteCycleCommand> {
  private readonly logger = new Logger('CompleteCycle');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: CyclesRepository,
    private readonly lock: CycleLock,
    private readonly ledger: LedgerService,
    private readonly commands: CommandBus,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: CompleteCycleCommand): Promise<CompleteCycleResult> {
    if (this.txHost.isTransactionActive()) {
      // the claim's enqueue and the events must follow OUR commit; a caller's transaction would hide it
      throw new Error('CompleteCycleCommand runs in its own transaction; dispatch it after committing');
    }
    let result: CompleteCycleResult | Completed;
    try {
      result = await this.txHost.withTransaction(() => this.completeInTransaction(cmd));
    } catch (err) {
      if (err instanceof CyclePayoutClaimConflictError) {
        // rolled back: the cycle stays current with every contribution in, retried by each delivery and sweep
        this.logger.error(`${err.detail} The cycle stays incomplete (README runbook: "A cycle that does not complete").`);
        throw err;
      }
      if (isUniqueViolation(err, 'cycle_payouts_one_per_cycle')) {
        this.logger.debug(`group ${cmd.groupId}: cycle already completed by a concurrent transaction`);
        return { status: 'already-completed', groupId: cmd.groupId };
      }
      throw err;
    }
    if (result.status !== 'completed') return result;
    const done = result as Completed;
    if (done.claimCreated) this.events.publish(new ClaimCreatedEvent(done.claimId));
    this.events.publish(new CycleCompletedEvent(done.groupId, done.cycle, done.claimId, done.wallet, done.token, done.amount, done.amountBase));
    const { token: _t, amountBase: _a, ...view } = done;
    return view;
  }

  private async completeInTransaction(cmd: CompleteCycleCommand): Promise<CompleteCycleResult | Completed> {
    await this.lock.acquire(cmd.groupId);
    const group = await this.repo.findGroup(cmd.groupId);
    if (!group) throw new GroupNotFoundError(cmd.groupId);
    const n = group.currentCycle;
    const contributed = await this.repo.countContributions(group.id, n);
    if (contributed < group.memberCount) return { status: 'incomplete', groupId: group.id, cycle: n, contributed, expected: group.memberCount };

    const members = await this.repo.members(group.id);
    const wallet = recipientOf(members, n);
    const potBase = BigInt(group.contributionBase) * BigInt(members.length);
    const amount = formatAmount(potBase, group.decimals);
    const { claim, created } = await this.commands.execute(
      new CreateClaimCommand(wallet, group.token, amount, `cycle:${group.id}:${n}`, 'cycle', cmd.actor, { internal: true }),
    );
    if (!created && (claim.client !== 'cycle' || claim.status === 'cancelled')) {
      throw new CyclePayoutClaimConflictError(group.id, n, claim.id, claim.client, claim.status);
    }
    await this.ledger.post(
      `cycle:${group.id}:${n}:pot`,
      'cycle.pot',
      claim.id,
      transfer(Accounts.group(group.id, group.token), Accounts.rewards(group.token), group.token, potBase),
    );
    await this.repo.insertPayout({ groupId: group.id, cycle: n, wallet, amountBase: potBase, claimId: claim.id, completedBy: cmd.actor });
    if (!(await this.repo.advance(group.id, n))) throw new Error(`group ${group.id} left cycle ${n} during its completion`);
    return { status: 'completed', groupId: group.id, cycle: n, claimId: claim.id, wallet, amount, claimCreated: created, token: group.token, amountBase: potBase.toString() };
  }
}
