import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ListSignersQuery } from '../payouts/queries/list-signers/list-signers.query';

/**
 * Readiness detail for the signing keys (API.md "Signer lanes"): always `up` (an orphaned payout is re-sent
 * as stored and settles on its own; it is no reason to take the service out of rotation), with every signer
 * of this chain and the `orphaned` ones (payouts in flight, key not loaded) named.
 */
@Injectable()
export class SignersHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queries: QueryBus,
  ) {}

  async check(key = 'signers') {
    const signers = await this.queries.execute(new ListSignersQuery(false));
    return this.health.check(key).up({ signers, orphaned: signers.filter((s) => s.role === 'orphaned').map((s) => s.address) });
  }
}
