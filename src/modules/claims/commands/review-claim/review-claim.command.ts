import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

/** An admin's approval of a held claim (API.md "Treasury controls"): held -> pending, then enqueued. */
export class ApproveClaimCommand extends Command<ClaimView> {
  constructor(
    readonly claimId: string,
    /** the approving admin as an audit actor (`admin` or `admin:<name>`) */
    readonly actor: string,
  ) {
    super();
  }
}

/** An admin's rejection of a held claim: held -> cancelled, its entitlement journal reversed. */
export class RejectClaimCommand extends Command<ClaimView> {
  constructor(
    readonly claimId: string,
    readonly actor: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
