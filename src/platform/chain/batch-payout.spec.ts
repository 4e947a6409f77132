/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { AbiCoder, Interface, Wallet, getAddress } from 'ethers';
import {
  MAX_LINE_AMOUNT,
  batchPayoutInterface,
  batchTotal,
  decodeBatchRevert,
  describeRevertData,
  encodeNativeBatch,
  encodeTokenBatch,
  packLine,
  readBatchReceipt,
  revertDataOf,
  unpackLine,
} from './batch-payout';

const errorString = (msg: string) => `0x08c379a0${AbiCoder.defaultAbiCoder().encode(['string'], [msg]).slice(2)}`;
const lineFailed = (index: number, reason: string) => batchPayoutInterface.encodeErrorResult('LineFailed', [index, reason]);

describe('batch-payout helper', () => {
  const a = Wallet.createRandom().address;
  const b = Wallet.createRandom().address;

  it('matches the compiled contract: every fragment here exists in contracts/BatchPayout.sol with the same selector', () => {
    const compiled = new Interface(require('../../../scripts/devchain-lib').compileContracts().BatchPayout.abi);
    batchPayoutInterface.forEachFunction((f) => expect(compiled.getFunction(f.name)?.selector).toBe(f.selector));
    batchPayoutInterface.forEachError((e) => expect(compiled.getError(e.name)?.selector).toBe(e.selector));
    batchPayoutInterface.forEachEvent((e) => expect(compiled.getEvent(e.name)?.topicHash).toBe(e.topicHash));
    compiled.forEachError((e) => expect(batchPayoutInterface.getError(e.name)).not.toBeNull()); // nothing undecodable
  });

  it('packs the address in the low 160 bits and the amount in the high 96, and back', () => {
    const p = packLine({ to: a, amount: 1_234_567n });
    expect(p & ((1n << 160n) - 1n)).toBe(BigInt(a));
    expect(p >> 160n).toBe(1_234_567n);
    expect(unpackLine(p)).toEqual({ to: getAddress(a), amount: 1_234_567n });
    expect(unpackLine(packLine({ to: a, amount: MAX_LINE_AMOUNT }))).toEqual({ to: a, amount: MAX_LINE_AMOUNT });
    // 96 bits hold 79 billion ETH at 18 decimals
    expect(MAX_LINE_AMOUNT).toBeGreaterThan(79_000_000_000n * 10n ** 18n);
  });

  it('refuses lines the contract could not carry', () => {
    expect(() => packLine({ to: a, amount: MAX_LINE_AMOUNT + 1n })).toThrow(/2\^96/);
    expect(() => packLine({ to: a, amount: -1n })).toThrow();
    expect(() => packLine({ to: '0x0000000000000000000000000000000000000000', amount: 1n })).toThrow(/zero address/);
    expect(() => packLine({ to: '0x1234', amount: 1n })).toThrow(/invalid recipient/);
    expect(() => encodeTokenBatch(a, [])).toThrow(/no lines/);
  });

  it('encodes payout(token, lines) and payoutNative(lines) with value = sum', () => {
    const lines = [
      { to: a, amount: 5n },
      { to: b, amount: 7n },
    ];
    const token = Wallet.createRandom().address;
    const decoded = batchPayoutInterface.decodeFunctionData('payout', encodeTokenBatch(token, lines));
    expect(decoded[0]).toBe(token);
    expect((decoded[1] as bigint[]).map(unpackLine)).toEqual(lines);
    const native = encodeNativeBatch(lines);
    expect(native.value).toBe(12n);
    expect(batchTotal(lines)).toBe(12n);
    expect((batchPayoutInterface.decodeFunctionData('payoutNative', native.data)[0] as bigint[]).map(unpackLine)).toEqual(lines);
  });

  it('decodes the failing line and the token reason it bubbles', () => {
    expect(decodeBatchRevert(lineFailed(3, errorString('USDC: recipient is blacklisted')))).toEqual({
      kind: 'line',
      index: 3,
      reason: 'USDC: recipient is blacklisted',
    });
    expect(decodeBatchRevert(lineFailed(0, '0x'))).toEqual({ kind: 'line', index: 0, reason: 'reverted without a reason' });
    const invalid = batchPayoutInterface.encodeErrorResult('InvalidRecipient', []);
    expect(decodeBatchRevert(lineFailed(7, invalid))).toEqual({ kind: 'line', index: 7, reason: 'invalid recipient (zero address or the batch contract)' });
    const panic = `0x4e487b71${AbiCoder.defaultAbiCoder().encode(['uint256'], [0x11]).slice(2)}`;
    expect(decodeBatchRevert(lineFailed(2, panic))?.reason).toBe('panic 0x11');
  });

  it('tells a failed pull and a malformed batch apart from a failed line', () => {
    const pull = batchPayoutInterface.encodeErrorResult('PullFailed', [errorString('USDC: insufficient allowance')]);
    expect(decodeBatchRevert(pull)).toEqual({ kind: 'pull', reason: 'USDC: insufficient allowance' });
    const mismatch = batchPayoutInterface.encodeErrorResult('ValueMismatch', [1n, 2n]);
    expect(decodeBatchRevert(mismatch)).toEqual({ kind: 'batch', reason: 'value 1 is not the sum 2' });
    expect(decodeBatchRevert(batchPayoutInterface.encodeErrorResult('EmptyBatch', []))).toEqual({ kind: 'batch', reason: 'EmptyBatch' });
  });

  it('returns null for revert data that is not BatchPayout’s, and never throws', () => {
    expect(decodeBatchRevert(errorString('nope'))).toBeNull();
    expect(decodeBatchRevert('0x')).toBeNull();
    expect(decodeBatchRevert(null)).toBeNull();
    expect(decodeBatchRevert('not hex')).toBeNull();
    expect(decodeBatchRevert(`${batchPayoutInterface.getError('LineFailed')!.selector}dead`)).toBeNull(); // truncated
    expect(describeRevertData('0xdeadbeef')).toBe('unknown revert 0xdeadbeef');
  });

  it('finds the revert data on an ethers error, nested or not', () => {
    const data = lineFailed(1, '0x');
    expect(revertDataOf({ code: 'CALL_EXCEPTION', data })).toBe(data);
    expect(revertDataOf({ info: { error: { code: 3, data } } })).toBe(data);
    expect(revertDataOf(new Error('no data'))).toBeNull();
  });

  it('reads what a mined batch paid from its receipt logs: the summary and the token transfers out of the contract', () => {
    const batch = Wallet.createRandom().address;
    const token = Wallet.createRandom().address;
    const payer = Wallet.createRandom().address;
    const erc20 = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);
    const log = (address: string, iface: Interface, name: string, args: unknown[]) => ({ address, ...iface.encodeEventLog(name, args) });
    const logs = [
      log(token, erc20, 'Transfer', [payer, batch, 12n]), // the pull
      log(token, erc20, 'Transfer', [batch, a, 5n]),
      log(token, erc20, 'Transfer', [batch, b, 7n]),
      log(Wallet.createRandom().address, erc20, 'Transfer', [batch, a, 99n]), // another token: not this batch's
      log(batch, batchPayoutInterface, 'BatchPaid', [payer, token, 2n, 12n]),
    ];
    expect(readBatchReceipt(logs, batch)).toEqual({
      payer,
      token,
      lines: 2,
      total: 12n,
      transfers: [
        { to: a, amount: 5n },
        { to: b, amount: 7n },
      ],
    });
    expect(readBatchReceipt(logs.slice(0, 3), batch)).toBeNull(); // no summary: not a (successful) batch
    expect(readBatchReceipt(logs, token)).toBeNull(); // the summary must come from the batch contract
  });
});
