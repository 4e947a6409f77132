import { Command } from '@nestjs/cqrs';
import type { CreateClaimResult } from '../create-claim/create-claim.command';

/** A claim whose EIP-712 signature was verified (SignedClaimGuard); spends `nonce` for `wallet`. */
export class CreateSignedClaimCommand extends Command<CreateClaimResult> {
  constructor(
    readonly wallet: string,
    readonly token: string,
    readonly amount: string,
    readonly reason: string,
    readonly nonce: bigint,
  ) {
    super();
  }
}
