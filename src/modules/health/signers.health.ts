import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ListSignersQuery } from '../payouts/queries/list-signers/list-signers.query';

/** A signer whose balances are not read within this is listed without them (the probe must answer). */
const SIGNER_BALANCES_TIMEOUT_MS = 3000;

/**
 * Readiness detail for the signing keys (API.md "Signer lanes"): always `up` (an orphaned payout is re-sent
 * as stored and settles on its own; it is no reason to take the service out of rotation), with every signer
 * of this chain (each active lane of a pool, the retired and orphaned ones: address, role, nextNonce, inFlight,
 * its own balances) and the `orphaned` ones (payouts in flight, key not loaded) named.
 */
@Injectable()
export class SignersHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queries: QueryBus,
  ) {}

  async check(key = 'signers') {
    // the same list as GET /v1/admin/signers (balances included, API.md), each read bounded like the other checks
    const signers = await this.queries.execute(new ListSignersQuery(true, SIGNER_BALANCES_TIMEOUT_MS));
    return this.health.check(key).up({ signers, orphaned: signers.filter((s) => s.role === 'orphaned').map((s) => s.address) });
  }
}
