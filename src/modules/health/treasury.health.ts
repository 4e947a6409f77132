import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { HealthIndicatorService } from '@nestjs/terminus';
import { GetTreasuryStatusQuery } from '../payouts/queries/get-treasury-status/get-treasury-status.query';

/**
 * Readiness detail for the treasury: always `up` (a short treasury makes claims wait; it is not a reason
 * to take the service out of rotation), with the tokens whose claims are waiting for funds and why, and the
 * pauses in force (payouts paused by an admin or the breaker: intake goes on, nothing is signed).
 */
@Injectable()
export class TreasuryHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queries: QueryBus,
  ) {}

  async check(key = 'treasury') {
    const status = await this.queries.execute(new GetTreasuryStatusQuery());
    return this.health.check(key).up({ signer: status.signer, waitingForFunds: status.alerts, paused: status.paused });
  }
}
