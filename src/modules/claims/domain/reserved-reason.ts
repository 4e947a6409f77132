import type { FieldError } from '../../../platform/errors/domain-error';

/** Reasons that belong to savings-group payouts (API.md "Reserved reasons"): `cycle:<groupId>:<n>` and its repays. */
export const CYCLE_REASON_PREFIX = 'cycle:';

/**
 * The one rule every client intake path applies (API key, signed voucher, and bulk when it exists): a
 * client may not name a reserved reason. Otherwise a client could create a cycle's claim (same reason, so
 * the same idempoKey) before the cycle completes and cancel it, and the member would never be paid.
 * Returns the field error for a reserved reason, or null.
 */
export function reservedReasonError(reason: string): FieldError | null {
  if (!reason.toLowerCase().startsWith(CYCLE_REASON_PREFIX)) return null;
  return { field: 'reason', message: `reasons beginning with "${CYCLE_REASON_PREFIX}" are reserved for savings-group payouts` };
}
