import { TX_GAS_CAP } from '../../../platform/chain/batch-payout';

/**
 * Gas caps of the payouts a lane signs. Fixed, never estimated: an estimate reverts (and would fail the
 * claim) whenever the treasury is short, which must make a claim wait instead. Measured on the dev chain
 * (README "Dev chain"): a plain ERC-20 transfer to a fresh holder ~51k; a batch line to a fresh holder
 * ~26.5k (token) or ~35.3k (native, the EVM's account creation); the cap leaves ~28% headroom per line for
 * tokens that cost more than the dev USDC. An unused cap costs nothing under EIP-1559.
 */
export const TOKEN_TRANSFER_GAS = 100_000n;
export const NATIVE_TRANSFER_GAS = 21_000n;
export const APPROVE_GAS = 80_000n;
const BATCH_BASE_GAS = 60_000n;
const TOKEN_LINE_GAS = 34_000n;
const NATIVE_LINE_GAS = 45_000n;

export function batchGasLimit(lines: number, native: boolean): bigint {
  return BATCH_BASE_GAS + BigInt(lines) * (native ? NATIVE_LINE_GAS : TOKEN_LINE_GAS);
}

/** The most lines one batch transaction can carry under the per-transaction gas cap (EIP-7825). */
export function maxBatchLines(native: boolean): number {
  return Number((TX_GAS_CAP - BATCH_BASE_GAS) / (native ? NATIVE_LINE_GAS : TOKEN_LINE_GAS));
}
