import { Command } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain/claim.view';

export interface CreateClaimResult {
  claim: ClaimView;
  created: boolean;
}

export interface CreateClaimOptions {
  /**
   * The cycles module only: it may use the reserved `cycle:` reasons (API.md "Reserved reasons"). Every
   * client path (API key, signed voucher, bulk) leaves it unset, so such a reason is a 400 naming `reason`.
   */
  internal?: boolean;
  /** merged into the new claim's first audit event `detail` (e.g. a voucher's issuer, the claim a repay replaces) */
  auditDetail?: Record<string, unknown>;
  /** the program whose budget pays the claim, and who asks (an API key name; null = an admin, any program) */
  program?: { id: string; owner: string | null };
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
    readonly options: CreateClaimOptions = {},
  ) {
    super();
  }
}
