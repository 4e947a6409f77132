import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, EventBus, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CreateClaimCommand } from '../../../claims/commands/create-claim/create-claim.command';
import { formatAmount } from '../../../claims/domain/money';
import { ClaimCreatedEvent } from '../../../claims/events/claim-created.event';
import { GetClaimQuery } from '../../../claims/queries/get-claim/get-claim.query';
import { CycleLock } from '../../domain/cycle-lock';
import { CycleNotFoundError, CycleNotRepayableError, CyclePayoutClaimConflictError, GroupNotFoundError } from '../../domain/cycle.errors';
import { CyclesRepository } from '../../persistence/cycles.repository';
import { RepayCycleCommand, RepayCycleResult } from './repay-cycle.command';

const REPAYABLE = new Set(['failed', 'cancelled']);

/**
 * A cycle payout that failed on chain (or was cancelled) is never silently skipped: it stays visible on the
 * group (`pastCycles[].claimStatus`) until an admin repays it. In ONE transaction, under the group's cycle
 * lock and the payout row's lock:
 *   - the cycle's claim is `failed` or `cancelled` (terminal, so this cannot race the pay path): a new
 *     claim for the same member and pot, client `cycle`, reason `cycle:<group>:<n>:repay:<k>` (k = 1, 2, ...,
 *     so a new idempoKey), whose creation posts expense:rewards -> payable again; the failed claim's
 *     reversal already moved its payable back to expense:rewards, so the pot is owed exactly once. The
 *     payout row points at the new claim and keeps the old one in `previous_claim_ids`; the new claim's
 *     first audit event names the claim it repays;
 *   - the cycle's claim is an earlier repay that is still live or paid: returned as it is (idempotent);
 *   - the original claim is live or paid: CYCLE.NOT_REPAYABLE (409), nothing changes.
 * After commit: ClaimCreatedEvent, which enqueues the payment.
 */
@CommandHandler(RepayCycleCommand)
export class RepayCycleHandler implements ICommandHandler<RepayCycleCommand> {
  private readonly logger = new Logger('RepayCycle');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: CyclesRepository,
    private readonly lock: CycleLock,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RepayCycleCommand): Promise<RepayCycleResult> {
    const result = await this.txHost.withTransaction(async (): Promise<RepayCycleResult & { replaced?: string }> => {
      await this.lock.acquire(cmd.groupId);
      const group = await this.repo.findGroup(cmd.groupId);
      if (!group) throw new GroupNotFoundError(cmd.groupId);
      const payout = await this.repo.payoutForUpdate(group.id, cmd.cycle);
      if (!payout) throw new CycleNotFoundError(group.id, cmd.cycle);

      if (!REPAYABLE.has(payout.claimStatus)) {
        if (payout.previousClaimIds.length > 0) {
          return { claim: await this.queries.execute(new GetClaimQuery(payout.claimId)), created: false };
        }
        throw new CycleNotRepayableError(group.id, cmd.cycle, payout.claimId, payout.claimStatus);
      }

      const k = payout.previousClaimIds.length + 1;
      const reason = `cycle:${group.id}:${cmd.cycle}:repay:${k}`;
      const { claim, created } = await this.commands.execute(
        new CreateClaimCommand(payout.wallet, group.token, formatAmount(BigInt(payout.amountBase), group.decimals), reason, 'cycle', cmd.actor, {
          internal: true,
          auditDetail: { repays: payout.claimId, groupId: group.id, cycle: cmd.cycle },
        }),
      );
      // the reason is reserved and k is new, so only a row from before reserved reasons can be here
      if (!created) throw new CyclePayoutClaimConflictError(group.id, cmd.cycle, claim.id, claim.client, claim.status);
      await this.repo.replacePayoutClaim(group.id, cmd.cycle, payout.claimId, claim.id);
      return { claim, created: true, replaced: payout.claimId };
    });
    if (result.created) {
      this.logger.log(`group ${cmd.groupId} cycle ${cmd.cycle}: claim ${result.replaced} repaid by claim ${result.claim.id} (${cmd.actor})`);
      this.events.publish(new ClaimCreatedEvent(result.claim.id));
    }
    return { claim: result.claim, created: result.created };
  }
}
