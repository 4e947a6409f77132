import { formatAmount } from './money';
import type { ClaimEntity } from '../persistence/claim.entity';

/** The claim as API.md shows it. */
export interface ClaimView {
  id: string;
  wallet: string;
  token: string;
  amount: string;
  amountBase: string;
  reason: string;
  idempoKey: string;
  client: string;
  status: string;
  attempts: number;
  txHash: string | null;
  payoutId: string | null;
  createdAt: string;
  processedAt: string | null;
  lastError: string | null;
  /** the program whose budget pays it; null = none */
  program: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toClaimView(c: ClaimEntity): ClaimView {
  return {
    id: c.id,
    wallet: c.wallet,
    token: c.token,
    amount: formatAmount(c.amountBase, c.decimals),
    amountBase: c.amountBase,
    reason: c.reason,
    idempoKey: c.idempoKey,
    client: c.client,
    status: c.status,
    attempts: c.attempts,
    txHash: c.txHash,
    payoutId: c.payoutId,
    createdAt: iso(c.createdAt)!,
    processedAt: iso(c.processedAt),
    lastError: c.lastError,
    program: c.programId ?? null,
  };
}
