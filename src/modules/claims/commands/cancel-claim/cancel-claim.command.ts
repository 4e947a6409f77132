import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export class CancelClaimCommand extends Command<ClaimView> {
  constructor(
    readonly claimId: string,
    readonly actor: string,
  ) {
    super();
  }
}
