import { ClaimOverLimitError } from './claim.errors';
import { formatAmount } from './money';

/**
 * LIMIT_PER_CLAIM (API.md "Treasury controls"): a claim above its token's limit is refused at intake, before
 * anything is stored; one rule for every way a claim comes in (single, bulk, signed voucher). Cycle payouts are
 * not limited here: their pot is the members' own contributions, collected before the cycle completes.
 */
export function overLimit(limits: Record<string, string>, token: string, decimals: number, amountBase: bigint): ClaimOverLimitError | null {
  const limit = limits[token];
  if (limit === undefined || amountBase <= BigInt(limit)) return null;
  return new ClaimOverLimitError(token, formatAmount(limit, decimals));
}
