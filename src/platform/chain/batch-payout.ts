/**
 * The BatchPayout contract (contracts/BatchPayout.sol) as the app sees it: its ABI, how one batch call is
 * encoded, and how its revert data is read back. Pure functions, no provider: the pay path builds the
 * transaction with these and signs it itself; when a batch reverts, decodeBatchRevert tells which line
 * failed so the batch can be split until the failing claim is alone.
 *
 * A line is one uint256: recipient in the low 160 bits, amount in the high 96 bits. An amount of 2^96 or
 * more (7.9e22 USDC, 79 billion ETH) cannot be batched; it goes as a plain transfer.
 */
import { AbiCoder, Interface, ErrorDescription, getAddress, isAddress, isHexString, toBeHex, zeroPadValue } from 'ethers';

export const BATCH_PAYOUT_ABI = [
  'function payout(address token, uint256[] lines)',
  'function payoutNative(uint256[] lines) payable',
  'event BatchPaid(address indexed payer, address indexed token, uint256 lines, uint256 total)',
  'error EmptyBatch()',
  'error NotAToken(address token)',
  'error ValueMismatch(uint256 sent, uint256 total)',
  'error PullFailed(bytes reason)',
  'error LineFailed(uint256 index, bytes reason)',
  'error InvalidRecipient()',
  'error TokenReturnedFalse()',
  'error Reentered()',
] as const;

export const batchPayoutInterface = new Interface(BATCH_PAYOUT_ABI);

const erc20TransferEvent = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);

/** The largest amount one line can carry (96 bits). */
export const MAX_LINE_AMOUNT = (1n << 96n) - 1n;

/**
 * EIP-7825 (Osaka) caps one transaction at 2^24 gas, below the 30-60M block gas limit: a batch must fit
 * under it. About 26.2k gas per fresh USDC recipient (measured, README "Dev chain") gives ~600 lines per call;
 * a native-coin line to a fresh account costs ~35.2k (the EVM charges 25k to create the account).
 */
export const TX_GAS_CAP = 16_777_216n;

export interface BatchLine {
  /** recipient address */
  to: string;
  /** base units */
  amount: bigint;
}

export function packLine({ to, amount }: BatchLine): bigint {
  if (!isAddress(to)) throw new Error(`batch line: invalid recipient address ${JSON.stringify(to)}`);
  if (BigInt(to) === 0n) throw new Error('batch line: recipient is the zero address');
  if (amount < 0n || amount > MAX_LINE_AMOUNT) throw new Error(`batch line: amount ${amount} outside 0..2^96-1 (send it as a plain transfer)`);
  return (amount << 160n) | BigInt(to);
}

export function unpackLine(packed: bigint): BatchLine {
  return { to: getAddress(zeroPadValue(toBeHex(packed & ((1n << 160n) - 1n)), 20)), amount: packed >> 160n };
}

export function batchTotal(lines: readonly BatchLine[]): bigint {
  return lines.reduce((sum, l) => sum + l.amount, 0n);
}

function packAll(lines: readonly BatchLine[]): bigint[] {
  if (lines.length === 0) throw new Error('batch: no lines');
  return lines.map(packLine);
}

/** Calldata of payout(token, lines): the caller must have approved the contract for batchTotal(lines). */
export function encodeTokenBatch(token: string, lines: readonly BatchLine[]): string {
  return batchPayoutInterface.encodeFunctionData('payout', [getAddress(token), packAll(lines)]);
}

/** Calldata and value of payoutNative(lines): value must be exactly the sum. */
export function encodeNativeBatch(lines: readonly BatchLine[]): { data: string; value: bigint } {
  return { data: batchPayoutInterface.encodeFunctionData('payoutNative', [packAll(lines)]), value: batchTotal(lines) };
}

export type BatchRevert =
  /** line `index` (0-based, in the order encoded) made the batch revert: split the batch around it */
  | { kind: 'line'; index: number; reason: string }
  /** the pull of the total from the signer failed (allowance, balance, blocked signer): no line is at fault */
  | { kind: 'pull'; reason: string }
  /** the batch as a whole is wrong (empty, value mismatch, not a token, reentered) */
  | { kind: 'batch'; reason: string };

const coder = AbiCoder.defaultAbiCoder();
const ERROR_STRING = '0x08c379a0'; // Error(string)
const PANIC = '0x4e487b71'; // Panic(uint256)

/**
 * A human-readable reason for raw revert data: a require message, `panic 0x11`, a BatchPayout error name,
 * `reverted without a reason`, or the unknown selector. Never throws.
 */
export function describeRevertData(data: string | null | undefined): string {
  if (!data || data === '0x') return 'reverted without a reason';
  if (!isHexString(data)) return 'unreadable revert data';
  try {
    const selector = data.slice(0, 10).toLowerCase();
    if (selector === ERROR_STRING) return String(coder.decode(['string'], `0x${data.slice(10)}`)[0]);
    if (selector === PANIC) return `panic 0x${(coder.decode(['uint256'], `0x${data.slice(10)}`)[0] as bigint).toString(16)}`;
    const err: ErrorDescription | null = batchPayoutInterface.parseError(data);
    if (err) {
      if (err.name === 'LineFailed') return `line ${err.args[0]}: ${describeRevertData(err.args[1])}`;
      if (err.name === 'PullFailed') return `pull failed: ${describeRevertData(err.args[0])}`;
      if (err.name === 'InvalidRecipient') return 'invalid recipient (zero address or the batch contract)';
      if (err.name === 'TokenReturnedFalse') return 'token returned false';
      if (err.name === 'ValueMismatch') return `value ${err.args[0]} is not the sum ${err.args[1]}`;
      if (err.name === 'NotAToken') return `not a token contract: ${err.args[0]}`;
      return err.name;
    }
  } catch {
    /* malformed payload: fall through */
  }
  return `unknown revert ${data.slice(0, 10)}`;
}

/** Which part of a reverted BatchPayout call failed, from its revert data; null if it is not BatchPayout's. */
export function decodeBatchRevert(data: string | null | undefined): BatchRevert | null {
  if (!data || !isHexString(data) || data.length < 10) return null;
  let err: ErrorDescription | null;
  try {
    err = batchPayoutInterface.parseError(data);
  } catch {
    return null;
  }
  if (!err || err.name === 'Error' || err.name === 'Panic') return null; // ethers' built-ins: not BatchPayout's own
  if (err.name === 'LineFailed') return { kind: 'line', index: Number(err.args[0] as bigint), reason: describeRevertData(err.args[1] as string) };
  if (err.name === 'PullFailed') return { kind: 'pull', reason: describeRevertData(err.args[0] as string) };
  return { kind: 'batch', reason: describeRevertData(data) };
}

/**
 * The revert data carried by an error thrown by ethers (eth_call / estimateGas / a provider error), or null.
 * ethers v6 puts it on `data` of a CALL_EXCEPTION; some providers nest it under `info.error.data` or `error.data`.
 */
export function revertDataOf(err: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): string | null => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 4) return null;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === 'string' && isHexString(o.data)) return o.data;
    for (const k of ['data', 'error', 'info', 'cause']) {
      const found = visit(o[k], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(err, 0);
}

/** The fields of a receipt log this module reads (ethers' Log and a raw JSON-RPC log both have them). */
export interface ReceiptLog {
  address: string;
  topics: readonly string[];
  data: string;
}

export interface BatchReceipt {
  payer: string;
  /** address(0) for the native coin */
  token: string;
  /** BatchPaid's line count and total */
  lines: number;
  total: bigint;
  /**
   * ERC-20 batches: every Transfer(batch, to, amount) the token logged, in line order (the native coin logs
   * none: each line is a call, visible in traces only).
   */
  transfers: BatchLine[];
}

/**
 * What a mined batch did, from its receipt's logs: the BatchPaid summary emitted by `batchAddress` and the
 * token's Transfer logs out of it. null when the receipt holds no BatchPaid from that address (a reverted
 * batch has no logs at all). The app checks `transfers` against the lines it encoded.
 */
export function readBatchReceipt(logs: readonly ReceiptLog[], batchAddress: string): BatchReceipt | null {
  const batch = getAddress(batchAddress);
  const paidTopic = batchPayoutInterface.getEvent('BatchPaid')!.topicHash;
  const summary = logs.find((l) => getAddress(l.address) === batch && l.topics[0] === paidTopic);
  if (!summary) return null;
  const ev = batchPayoutInterface.parseLog({ topics: [...summary.topics], data: summary.data })!;
  const token = getAddress(ev.args.token as string);
  const transferTopic = erc20TransferEvent.getEvent('Transfer')!.topicHash;
  const transfers: BatchLine[] = [];
  for (const l of logs) {
    if (getAddress(l.address) !== token || l.topics[0] !== transferTopic || l.topics.length !== 3) continue;
    const t = erc20TransferEvent.parseLog({ topics: [...l.topics], data: l.data })!;
    if (getAddress(t.args.from as string) === batch) transfers.push({ to: getAddress(t.args.to as string), amount: t.args.value as bigint });
  }
  return { payer: getAddress(ev.args.payer as string), token, lines: Number(ev.args.lines as bigint), total: ev.args.total as bigint, transfers };
}
