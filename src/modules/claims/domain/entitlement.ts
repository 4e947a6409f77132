import { getAddress } from 'ethers';
import { DomainError, ValidationError } from '../../../platform/errors/domain-error';
import { ClaimOverLimitError, UnknownTokenError } from './claim.errors';
import { deriveIdempoKey } from './idempo-key';
import { formatAmount, MoneyError, parseAmount } from './money';
import { reservedReasonError } from './reserved-reason';

/** The entitlement a request names, checked: what a claim row is made of. */
export interface Entitlement {
  wallet: string;
  token: string;
  decimals: number;
  amountBase: bigint;
  reason: string;
  idempoKey: string;
}

interface Tokens {
  token(symbol: string): { symbol: string; decimals: number } | undefined;
  tokenSymbols(): string[];
}

/**
 * The one set of intake rules, in the order every way in answers them (POST /v1/claims, an item of the bulk
 * route, a signed voucher): the reserved `cycle:` reason, a configured token, the amount, LIMIT_PER_CLAIM (API.md
 * "Treasury controls": a claim above its token's limit is refused before anything is stored), then the checksummed
 * wallet and the idempoKey. `internal` (a savings-group payout) skips the reserved reason and the limit: its pot is
 * the members' own contributions, collected before the cycle completes.
 */
export function entitlementOf(
  input: { wallet: string; token: string; amount: unknown; reason: string },
  tokens: Tokens,
  limits: Record<string, string>,
  opts: { internal?: boolean } = {},
): Entitlement | DomainError {
  if (!opts.internal) {
    const reserved = reservedReasonError(input.reason);
    if (reserved) return new ValidationError([reserved]);
  }
  const symbol = input.token.toUpperCase();
  const token = tokens.token(symbol);
  if (!token) return new UnknownTokenError(symbol, tokens.tokenSymbols());
  let amountBase: bigint;
  try {
    amountBase = parseAmount(input.amount, token.decimals);
  } catch (err) {
    if (err instanceof MoneyError) return new ValidationError([{ field: 'amount', message: err.message }]);
    throw err;
  }
  const limit = opts.internal ? undefined : limits[token.symbol];
  if (limit !== undefined && amountBase > BigInt(limit)) return new ClaimOverLimitError(token.symbol, formatAmount(limit, token.decimals));
  const wallet = getAddress(input.wallet.toLowerCase());
  return { wallet, token: token.symbol, decimals: token.decimals, amountBase, reason: input.reason, idempoKey: deriveIdempoKey(wallet, amountBase, token.symbol, input.reason) };
}
