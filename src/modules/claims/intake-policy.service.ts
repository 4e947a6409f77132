import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { METRIC } from '../../platform/metrics/metrics';
import { WalletDeniedError } from './domain/claim.errors';
import { Entitlement } from './domain/entitlement';
import { formatAmount } from './domain/money';
import { DenylistRepository } from './persistence/denylist.repository';

/** How a checked entitlement enters: refused (a denied wallet), or stored `pending` or `held` with the reason. */
export type Admission = WalletDeniedError | { status: 'pending' | 'held'; lastError: string | null };

/** lastError of a claim held above APPROVAL_ABOVE */
export function approvalReason(limit: string, token: string, decimals: number): string {
  return `held: above APPROVAL_ABOVE (${formatAmount(limit, decimals)} ${token}); an admin approves or rejects it`;
}

/** lastError of a claim held because its wallet is denied */
export function deniedReason(reason: string): string {
  return `held: the wallet is on the denylist${reason ? ` (${reason})` : ''}; it is never signed while denied`;
}

/**
 * The treasury's intake rules that need more than the request (API.md "Treasury controls"), for every way in
 * (single, bulk, signed voucher), in one statement for a whole bulk request: a claim to a denied wallet is refused
 * (403 CLAIM.WALLET_DENIED, counted in `payrail_denylist_hits_total{stage="intake"}`); one above APPROVAL_ABOVE is
 * stored `held`. A savings-group payout (`internal`) is never refused, since its pot is the members' own money
 * collected for it: to a denied wallet it is stored held, and it is exempt from APPROVAL_ABOVE like LIMIT_PER_CLAIM.
 */
@Injectable()
export class IntakePolicy {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly denylist: DenylistRepository,
    @InjectMetric(METRIC.denylistHits) private readonly hits: Counter<string>,
  ) {}

  async admit(items: Pick<Entitlement, 'wallet' | 'token' | 'decimals' | 'amountBase'>[], opts: { internal?: boolean } = {}): Promise<Admission[]> {
    const denied = await this.denylist.deniedAmong(items.map((e) => e.wallet));
    return items.map((e) => {
      if (denied.has(e.wallet)) {
        this.hits.inc({ stage: 'intake' });
        return opts.internal ? { status: 'held', lastError: deniedReason('') } : new WalletDeniedError();
      }
      const above = opts.internal ? undefined : this.config.approvalAbove[e.token];
      if (above !== undefined && e.amountBase > BigInt(above)) return { status: 'held', lastError: approvalReason(above, e.token, e.decimals) };
      return { status: 'pending', lastError: null };
    });
  }
}
