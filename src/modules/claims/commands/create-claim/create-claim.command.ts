import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export interface CreateClaimResult {
  claim: ClaimView;
  created: boolean;
}

export class CreateClaimCommand extends Command<CreateClaimResult> {
  constructor(
    readonly wallet: string,
    readonly token: string,
    readonly amount: string,
    readonly reason: string,
    /** API key name, `signed` or `cycle` */
    readonly client: string,
    readonly actor: string,
  ) {
    super();
  }
}
