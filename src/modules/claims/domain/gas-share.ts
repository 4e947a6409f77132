/**
 * A claim's share of its payout's gas (gas used x effective gas price, wei), for the claims export: a batch
 * payout carries many claims, and accounting wants the gas per claim with shares that add up EXACTLY to what
 * the ledger booked (`payout.gas`). The gas is divided evenly; the remainder goes one wei each to the first
 * claims of the payout in id order (`rank` = how many of its claim ids sort before this one), so
 * sum over rank 0..count-1 = gas, and a re-export gives every claim the same share.
 */
export function gasShare(gas: bigint, count: number, rank: number): bigint {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a payout carries at least one claim (got ${count})`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= count) throw new RangeError(`rank ${rank} is outside 0..${count - 1}`);
  const n = BigInt(count);
  return gas / n + (BigInt(rank) < gas % n ? 1n : 0n);
}
