import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export class CancelClaimCommand extends Command<ClaimView> {
  constructor(
    readonly claimId: string,
    readonly actor: string,
    /** the API key cancelling: only its own claims (another key's is a 404); null/unset = any claim (admin) */
    readonly owner?: string | null,
  ) {
    super();
  }
}
