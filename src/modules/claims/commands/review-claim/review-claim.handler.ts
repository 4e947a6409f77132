import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClaimLifecycle } from '../../claim-lifecycle.service';
import { ClaimNotFoundError, ClaimNotHeldError, SelfApprovalError, WalletDeniedError } from '../../domain/claim.errors';
import { ClaimView, toClaimView } from '../../domain/claim.view';
import { ClaimCreatedEvent } from '../../events/claim-created.event';
import { DenylistRepository } from '../../persistence/denylist.repository';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { ApproveClaimCommand, RejectClaimCommand } from './review-claim.command';

/**
 * held -> pending by an admin, in one transaction with its audit event (`approvedBy`); enqueued after commit.
 * Refused: an admin approving a claim that admin created (four eyes, 403 CLAIM.SELF_APPROVAL), and a claim whose
 * wallet is on the denylist (403 CLAIM.WALLET_DENIED: remove the address first). Idempotent: a claim this path
 * already approved answers 200 as it is now; any other status is a 409 CLAIM.NOT_HELD.
 */
@CommandHandler(ApproveClaimCommand)
export class ApproveClaimHandler implements ICommandHandler<ApproveClaimCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ClaimsRepository,
    private readonly lifecycle: ClaimLifecycle,
    private readonly denylist: DenylistRepository,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: ApproveClaimCommand): Promise<ClaimView> {
    const { claim, approved } = await this.txHost.withTransaction(async () => {
      const claim = await this.repo.findById(cmd.claimId);
      if (!claim) throw new ClaimNotFoundError(cmd.claimId);
      const trail = await this.repo.events(claim.id);
      if (claim.status !== 'held') {
        if (trail.some((e) => e.fromStatus === 'held' && e.toStatus === 'pending')) return { claim, approved: false };
        throw new ClaimNotHeldError(claim.id, claim.status);
      }
      const creator = trail.find((e) => e.fromStatus === null)?.actor;
      if (creator === cmd.actor) throw new SelfApprovalError(claim.id);
      if ((await this.denylist.deniedAmong([claim.wallet])).size > 0) {
        throw new WalletDeniedError('The wallet is on the denylist; remove it from the denylist (DELETE /v1/admin/denylist/:address) before approving.');
      }
      const moved = await this.lifecycle.approve(claim.id, cmd.actor);
      const now = (await this.repo.findById(claim.id))!;
      // a concurrent approval moved it first: answered as already approved
      if (!moved && !(await this.repo.events(claim.id)).some((e) => e.fromStatus === 'held' && e.toStatus === 'pending')) throw new ClaimNotHeldError(now.id, now.status);
      return { claim: now, approved: moved };
    });
    if (approved) this.events.publish(new ClaimCreatedEvent(claim.id)); // now payable: its job
    return toClaimView(claim);
  }
}

/**
 * held -> cancelled by an admin, with the ledger reversal of the entitlement, in one transaction. Idempotent: a
 * cancelled claim answers 200 as it is; any other status is a 409 CLAIM.NOT_HELD.
 */
@CommandHandler(RejectClaimCommand)
export class RejectClaimHandler implements ICommandHandler<RejectClaimCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ClaimsRepository,
    private readonly lifecycle: ClaimLifecycle,
  ) {}

  execute(cmd: RejectClaimCommand): Promise<ClaimView> {
    return this.txHost.withTransaction(async () => {
      const claim = await this.repo.findById(cmd.claimId);
      if (!claim) throw new ClaimNotFoundError(cmd.claimId);
      if (claim.status === 'cancelled') return toClaimView(claim);
      if (claim.status !== 'held') throw new ClaimNotHeldError(claim.id, claim.status);
      const reason = `rejected by ${cmd.actor}${cmd.reason ? `: ${cmd.reason}` : ''}`;
      const moved = await this.lifecycle.void([claim.id], 'cancelled', cmd.actor, reason);
      const now = (await this.repo.findById(claim.id))!;
      if (moved.length === 0 && now.status !== 'cancelled') throw new ClaimNotHeldError(now.id, now.status); // a concurrent reject: as done
      return toClaimView(now);
    });
  }
}
