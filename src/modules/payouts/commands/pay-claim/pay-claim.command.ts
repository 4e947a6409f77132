import { Command } from '@nestjs/cqrs';

export type PayClaimOutcome = 'paid' | 'rebroadcast' | 'nothing-to-do' | 'leased-elsewhere';

export class PayClaimCommand extends Command<PayClaimOutcome> {
  constructor(
    readonly claimId: string,
    /** `worker:<id>`: the lease owner and audit actor */
    readonly worker: string,
  ) {
    super();
  }
}
