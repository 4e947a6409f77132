import { Command } from '@nestjs/cqrs';
import type { CreateClaimResult } from '../create-claim/create-claim.command';

/** A voucher whose EIP-712 signature by `issuer` was verified (SignedClaimGuard); spends `nonce` for `issuer`. */
export class CreateSignedClaimCommand extends Command<CreateClaimResult> {
  constructor(
    readonly wallet: string,
    readonly token: string,
    readonly amount: string,
    readonly reason: string,
    readonly nonce: bigint,
    /** the claim issuer (one of CLAIM_ISSUERS) that signed the voucher */
    readonly issuer: string,
  ) {
    super();
  }
}
