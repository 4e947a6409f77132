/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
/**
 * The batch-payout contract on a private dev chain (its own node, so every receipt is this file's alone; interval
 * mining, as automine would refuse a reverting batch at send instead of mining it):
 * approve once, pay 100 and 1,000 fresh wallets, measure gas per recipient from the receipts (goal of issue
 * 13: <= 27,000 per fresh USDC holder), check every balance on chain; a batch with one blocklisted recipient
 * reverts as a whole, moves nothing, and its revert names the failing line through the app's helper
 * (src/platform/chain/batch-payout.ts). The native-coin path is measured the same way.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Contract, Interface, JsonRpcProvider, TransactionReceipt, Wallet, getAddress, hexlify, parseEther } from 'ethers';
import {
  BatchLine,
  TX_GAS_CAP,
  batchPayoutInterface,
  batchTotal,
  decodeBatchRevert,
  encodeNativeBatch,
  encodeTokenBatch,
  readBatchReceipt,
  revertDataOf,
} from '../../src/platform/chain/batch-payout';

const lib: any = require('../../scripts/devchain-lib');

jest.setTimeout(240_000);

const GOAL_GAS_PER_FRESH_USDC_RECIPIENT = 27_000;
const usdcIface = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);

/** A wallet nobody has used (random 20 bytes: no key derivation, 1,000 of them in a few ms). */
const freshAddress = () => getAddress(hexlify(randomBytes(20)));

/** Fresh recipients with distinct, odd amounts (1.000001 USDC + i base units). */
const freshLines = (n: number, base = 1_000_001n): BatchLine[] => Array.from({ length: n }, (_, i) => ({ to: freshAddress(), amount: base + BigInt(i) }));

async function inChunks<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('BatchPayout: gas per fresh recipient, balances, all-or-nothing reverts', () => {
  let tmpDir: string;
  let dc: any;
  let provider: JsonRpcProvider;
  let usdc: Contract;
  let batchAddress: string;
  let payer: Wallet;
  const measured: Record<string, string> = {};

  beforeAll(async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payrail-batch-payout-e2e-'));
    const port = await lib.freePort();
    dc = await lib.startDevchain({ host: '127.0.0.1', port, blockMs: 200, file: path.join(tmpDir, 'devchain.json'), logFile: path.join(tmpDir, 'node.log'), log: () => undefined });
    provider = new JsonRpcProvider(dc.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const artifacts = lib.compileContracts();
    payer = new Wallet(lib.devAccounts(6)[5].privateKey, provider);
    usdc = new Contract(dc.info.tokens.USDC.address, artifacts.USDC.abi, payer);
    batchAddress = dc.info.batchPayout;
  });

  afterAll(async () => {
    if (Object.keys(measured).length > 0) console.log(`BatchPayout gas per fresh recipient (receipt gasUsed / lines):\n${Object.entries(measured).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    provider?.destroy();
    await dc?.stop();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  const balanceOf = async (a: string): Promise<bigint> => BigInt(await usdc.balanceOf(a));

  /** Sends a batch with an explicit gas limit (no estimate, so a reverting batch is mined) and returns its receipt. */
  async function send(data: string, value = 0n, gasLimit = TX_GAS_CAP): Promise<TransactionReceipt> {
    const tx = await payer.sendTransaction({ to: batchAddress, data, value, gasLimit });
    const r = await provider.waitForTransaction(tx.hash, 1, 30_000);
    if (!r) throw new Error(`batch ${tx.hash} not mined`);
    return r;
  }

  async function expectPaid(lines: BatchLine[]) {
    const got = await inChunks(lines, 100, (l) => balanceOf(l.to));
    expect(got).toEqual(lines.map((l) => l.amount));
  }

  /** The receipt's Transfer logs: one pull into the contract, then one per line out of it, in line order. */
  function expectTransferLogs(r: TransactionReceipt, lines: BatchLine[]) {
    const transfers = r.logs.filter((l) => getAddress(l.address) === usdc.target).map((l) => usdcIface.parseLog(l)!);
    expect(transfers[0].args.from).toBe(payer.address);
    expect(transfers[0].args.to).toBe(batchAddress);
    expect(transfers[0].args.value).toBe(batchTotal(lines));
    expect(transfers.slice(1).map((t) => [t.args.from, t.args.to, t.args.value])).toEqual(lines.map((l) => [batchAddress, l.to, l.amount]));
    const summary = r.logs.filter((l) => getAddress(l.address) === batchAddress).map((l) => batchPayoutInterface.parseLog(l)!);
    expect(summary).toHaveLength(1);
    expect([summary[0].name, summary[0].args.payer, summary[0].args.token, summary[0].args.lines, summary[0].args.total]).toEqual([
      'BatchPaid',
      payer.address,
      usdc.target,
      BigInt(lines.length),
      batchTotal(lines),
    ]);
    // the app's reading of the same receipt
    expect(readBatchReceipt(r.logs, batchAddress)).toEqual({ payer: payer.address, token: usdc.target, lines: lines.length, total: batchTotal(lines), transfers: lines });
  }

  it('approves once, then pays 100 fresh wallets in one call for <= 27,000 gas each, pulling exactly the total', async () => {
    const lines = freshLines(100);
    const later = freshLines(1000); // the next test's, covered by the same single approval
    const approval = batchTotal(lines) + batchTotal(later);
    await (await usdc.approve(batchAddress, approval)).wait();
    const before = await balanceOf(payer.address);

    const r = await send(encodeTokenBatch(String(usdc.target), lines));
    expect(r.status).toBe(1);
    const perRecipient = Number(r.gasUsed) / lines.length;
    measured['USDC, 100 fresh wallets, 1 call'] = `${Math.round(perRecipient)} (${r.gasUsed} total)`;
    expect(perRecipient).toBeLessThanOrEqual(GOAL_GAS_PER_FRESH_USDC_RECIPIENT);

    await expectPaid(lines);
    expectTransferLogs(r, lines);
    expect(await balanceOf(payer.address)).toBe(before - batchTotal(lines));
    expect(await balanceOf(batchAddress)).toBe(0n); // holds nothing after the call
    expect(BigInt(await usdc.allowance(payer.address, batchAddress))).toBe(approval - batchTotal(lines));
    (globalThis as any).__laterLines = later;
  });

  it('pays 1,000 fresh wallets for <= 27,000 gas each: two calls of 500, as one call would pass the 2^24 gas cap per transaction', async () => {
    const lines: BatchLine[] = (globalThis as any).__laterLines;
    const before = await balanceOf(payer.address);
    const receipts: TransactionReceipt[] = [];
    for (const half of [lines.slice(0, 500), lines.slice(500)]) {
      const r = await send(encodeTokenBatch(String(usdc.target), half));
      expect(r.status).toBe(1);
      expectTransferLogs(r, half);
      receipts.push(r);
    }
    const gas = receipts.reduce((s, r) => s + r.gasUsed, 0n);
    expect(gas).toBeGreaterThan(TX_GAS_CAP); // why it is two calls (EIP-7825, Osaka)
    const perRecipient = Number(gas) / lines.length;
    measured['USDC, 1,000 fresh wallets, 2 calls of 500'] = `${Math.round(perRecipient)} (${gas} total)`;
    expect(perRecipient).toBeLessThanOrEqual(GOAL_GAS_PER_FRESH_USDC_RECIPIENT);

    await expectPaid(lines);
    expect(await balanceOf(payer.address)).toBe(before - batchTotal(lines));
    expect(await balanceOf(batchAddress)).toBe(0n);
    expect(BigInt(await usdc.allowance(payer.address, batchAddress))).toBe(0n); // the one approval, used to the unit
  });

  it('a batch with one blocklisted recipient reverts as a whole, names that line through the helper, moves nothing; without it the rest is paid', async () => {
    const lines = freshLines(10);
    await (await usdc.blacklist(lines[6].to)).wait();
    expect(await usdc.isBlacklisted(lines[6].to)).toBe(true);
    await (await usdc.approve(batchAddress, batchTotal(lines))).wait();
    const before = await balanceOf(payer.address);
    const data = encodeTokenBatch(String(usdc.target), lines);

    // what the app sees before sending (eth_call)...
    const err = await provider.call({ from: payer.address, to: batchAddress, data }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(decodeBatchRevert(revertDataOf(err))).toEqual({ kind: 'line', index: 6, reason: 'USDC: recipient is blacklisted' });

    // ...and on chain: mined, reverted, nothing moved
    const r = await send(data, 0n, 2_000_000n);
    expect(r.status).toBe(0);
    expect(r.logs).toHaveLength(0);
    expect(readBatchReceipt(r.logs, batchAddress)).toBeNull();
    expect(await inChunks(lines, 10, (l) => balanceOf(l.to))).toEqual(lines.map(() => 0n));
    expect(await balanceOf(payer.address)).toBe(before);
    expect(await balanceOf(batchAddress)).toBe(0n);
    expect(BigInt(await usdc.allowance(payer.address, batchAddress))).toBe(batchTotal(lines));

    // split around the failing line: the other nine are paid, the blocklisted one has nothing
    const rest = lines.filter((_, i) => i !== 6);
    const ok = await send(encodeTokenBatch(String(usdc.target), rest));
    expect(ok.status).toBe(1);
    await expectPaid(rest);
    expect(await balanceOf(lines[6].to)).toBe(0n);
    expect(await balanceOf(payer.address)).toBe(before - batchTotal(rest));
  });

  it('the dev USDC blocklist: anyone may set it; a blocked holder can neither send nor receive until unblocked', async () => {
    const other = new Wallet(lib.devAccounts(8)[7].privateKey, provider);
    const otherUsdc = usdc.connect(other) as Contract;
    await (await otherUsdc.blacklist(other.address)).wait(); // any caller, even the holder itself
    await expect(otherUsdc.transfer.staticCall(freshAddress(), 1n)).rejects.toThrow(/USDC: sender is blacklisted/);
    await expect(usdc.transfer.staticCall(other.address, 1n)).rejects.toThrow(/USDC: recipient is blacklisted/);
    await expect(usdc.mint.staticCall(other.address, 1n)).rejects.toThrow(/USDC: recipient is blacklisted/);
    expect(await balanceOf(other.address)).toBe(1_000_000_000n * 10n ** 6n); // the balance stays
    await (await usdc.unBlacklist(other.address)).wait();
    expect(await usdc.isBlacklisted(other.address)).toBe(false);
    const to = freshAddress();
    await (await otherUsdc.transfer(to, 5n)).wait();
    expect(await balanceOf(to)).toBe(5n);
  });

  it('a blocklisted payer fails the pull (no line at fault); a line to the contract itself or to a token that is not a contract never runs', async () => {
    const lines = freshLines(3);
    await (await usdc.approve(batchAddress, batchTotal(lines))).wait();
    const call = (data: string, value = 0n) =>
      provider.call({ from: payer.address, to: batchAddress, data, value }).then(
        () => null,
        (e: unknown) => decodeBatchRevert(revertDataOf(e)),
      );
    await (await usdc.blacklist(payer.address)).wait();
    expect(await call(encodeTokenBatch(String(usdc.target), lines))).toEqual({ kind: 'pull', reason: 'USDC: sender is blacklisted' });
    await (await usdc.unBlacklist(payer.address)).wait();

    const toSelf = [...lines.slice(0, 2), { to: batchAddress, amount: 1n }];
    expect(await call(encodeTokenBatch(String(usdc.target), toSelf))).toEqual({ kind: 'line', index: 2, reason: 'invalid recipient (zero address or the batch contract)' });
    expect(await call(encodeTokenBatch(freshAddress(), lines))).toMatchObject({ kind: 'batch', reason: expect.stringMatching(/^not a token contract/) });
    // the ERC-20 path takes no value (it would stay in the contract)
    await expect(provider.call({ from: payer.address, to: batchAddress, data: encodeTokenBatch(String(usdc.target), lines), value: 1n })).rejects.toThrow();
    expect(await call(encodeTokenBatch(String(usdc.target), lines))).toBeNull(); // and the same batch is fine otherwise
  });

  it('native coin: pays 100 fresh wallets with msg.value == sum, measures gas per recipient; a wrong value or a refusing recipient reverts it all', async () => {
    const lines = freshLines(100, parseEther('0.001'));
    const { data, value } = encodeNativeBatch(lines);

    const wrong = await provider.call({ from: payer.address, to: batchAddress, data, value: value - 1n }).then(
      () => null,
      (e: unknown) => decodeBatchRevert(revertDataOf(e)),
    );
    expect(wrong).toEqual({ kind: 'batch', reason: `value ${value - 1n} is not the sum ${value}` });

    const refusing = [...lines.slice(0, 3), { to: String(usdc.target), amount: 1n }]; // USDC has no receive(): it refuses ETH
    const refused = encodeNativeBatch(refusing);
    const before = await provider.getBalance(lines[0].to);
    const rr = await send(refused.data, refused.value, 1_000_000n);
    expect(rr.status).toBe(0);
    expect(await provider.getBalance(lines[0].to)).toBe(before);
    expect(
      await provider.call({ from: payer.address, to: batchAddress, data: refused.data, value: refused.value }).then(
        () => null,
        (e: unknown) => decodeBatchRevert(revertDataOf(e)),
      ),
    ).toEqual({ kind: 'line', index: 3, reason: 'reverted without a reason' });

    const r = await send(data, value);
    expect(r.status).toBe(1);
    const perRecipient = Number(r.gasUsed) / lines.length;
    measured['ETH, 100 fresh wallets, 1 call'] = `${Math.round(perRecipient)} (${r.gasUsed} total; a lone ETH transfer is 21,000)`;
    // a value CALL that creates an account costs 9,000 + 25,000 + cold access: more than a lone 21,000 transfer
    expect(perRecipient).toBeLessThanOrEqual(36_000);
    expect(await inChunks(lines, 100, (l) => provider.getBalance(l.to))).toEqual(lines.map((l) => l.amount));
    expect(await provider.getBalance(batchAddress)).toBe(0n);
  });
});
