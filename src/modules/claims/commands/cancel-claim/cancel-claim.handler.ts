import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClaimNotCancellableError, ClaimNotFoundError } from '../../domain/claim.errors';
import { ClaimView, toClaimView } from '../../domain/claim.view';
import { ClaimLifecycle } from '../../claim-lifecycle.service';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { CancelClaimCommand } from './cancel-claim.command';

/** pending -> cancelled, with the ledger reversal, in one transaction. Any other status: 409; not the caller's claim: 404. */
@CommandHandler(CancelClaimCommand)
export class CancelClaimHandler implements ICommandHandler<CancelClaimCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ClaimsRepository,
    private readonly lifecycle: ClaimLifecycle,
  ) {}

  execute(cmd: CancelClaimCommand): Promise<ClaimView> {
    return this.txHost.withTransaction(async () => {
      // another key's claim is answered as unknown (404): a key can neither cancel nor probe what it did not create
      if (!(await this.repo.findVisible(cmd.claimId, cmd.owner, 'change'))) throw new ClaimNotFoundError(cmd.claimId);
      const moved = await this.lifecycle.void([cmd.claimId], 'cancelled', cmd.actor, null);
      const claim = await this.repo.findById(cmd.claimId);
      if (!claim) throw new ClaimNotFoundError(cmd.claimId);
      if (moved.length === 0) throw new ClaimNotCancellableError(claim.id, claim.status);
      return toClaimView(claim);
    });
  }
}
