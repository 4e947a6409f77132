/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-var-requires, @typescript-eslint/no-explicit-any */
/**
 * Starts its own devchain (hardhat node, 300 ms interval mining) on a free port with a temp devchain
 * file, and checks deployment, funding, interval mining, BatchPayout and the reuse/stop lifecycle.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Contract, JsonRpcProvider, TransactionReceipt, Wallet, getAddress, getCreateAddress, parseEther, parseUnits } from 'ethers';

import { batchTotal, decodeBatchRevert, encodeNativeBatch, encodeTokenBatch, revertDataOf } from '../../src/platform/chain/batch-payout';

const lib: any = require('../../scripts/devchain-lib');

jest.setTimeout(60_000);

const BLOCK_MS = 300;
const ONE_BILLION_USDC = 1_000_000_000n * 10n ** 6n;


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReceipt(provider: JsonRpcProvider, hash: string, timeoutMs = 10_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await provider.getTransactionReceipt(hash);
    if (r) {
      if (r.status !== 1) throw new Error(`tx ${hash} reverted`);
      return r;
    }
    if (Date.now() > deadline) throw new Error(`tx ${hash} not mined within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Resolves right after a new block has been mined, so the next tx has a full interval to stay pending. */
async function nextBlockEdge(provider: JsonRpcProvider): Promise<number> {
  const start = await provider.getBlockNumber();
  for (;;) {
    const n = await provider.getBlockNumber();
    if (n > start) return n;
    await sleep(10);
  }
}

describe('devchain (hardhat node, interval mining)', () => {
  let tmpDir: string;
  let file: string;
  let port: number;
  let dc: any;
  let provider: JsonRpcProvider;
  let usdc: Contract;
  let batch: Contract;
  let accounts: { address: string; privateKey: string }[];

  const wallet = (i: number) => new Wallet(accounts[i].privateKey, provider);

  beforeAll(async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payrail-devchain-e2e-'));
    file = path.join(tmpDir, 'devchain.json');
    port = await lib.freePort();
    const logFile = path.join(tmpDir, 'node.log');
    dc = await lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, file, logFile, log: () => undefined });
    provider = new JsonRpcProvider(dc.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const artifacts = lib.compileContracts();
    usdc = new Contract(dc.info.tokens.USDC.address, artifacts.USDC.abi, provider);
    batch = new Contract(dc.info.batchPayout, artifacts.BatchPayout.abi, provider);
    accounts = lib.devAccounts(lib.DEV_ACCOUNT_COUNT);
  });

  afterAll(async () => {
    provider?.destroy();
    await dc?.stop();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('runs chainId 31337 and writes the devchain file', async () => {
    expect(dc.reused).toBe(false);
    expect(dc.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    expect(await provider.send('eth_chainId', [])).toBe('0x7a69');
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).toEqual(dc.info);
    expect(written).toMatchObject({ rpcUrl: dc.rpcUrl, chainId: 31337, blockMs: BLOCK_MS, tokens: { USDC: { decimals: 6 } } });
    expect(written.treasury).toBe(accounts[0].address);
    expect(getAddress(written.tokens.USDC.address)).toBe(written.tokens.USDC.address); // checksummed
    expect(getAddress(written.batchPayout)).toBe(written.batchPayout);
    expect(await provider.getCode(written.tokens.USDC.address)).not.toBe('0x');
    expect(await provider.getCode(written.batchPayout)).not.toBe('0x');
  });

  it('has USDC with 6 decimals and 1e9 USDC on each of the DEV_ACCOUNT_COUNT (128) dev accounts', async () => {
    expect(await usdc.decimals()).toBe(6n);
    expect(await usdc.symbol()).toBe('USDC');
    expect(await usdc.name()).toBe('USD Coin (dev)');
    const nodeAccounts: string[] = await provider.send('eth_accounts', []);
    expect(nodeAccounts.map((a) => getAddress(a))).toEqual(accounts.map((a) => a.address));
    const balances = await Promise.all(accounts.map((a) => usdc.balanceOf(a.address)));
    for (const b of balances) expect(b).toBe(ONE_BILLION_USDC);
    expect(await usdc.totalSupply()).toBe(ONE_BILLION_USDC * BigInt(lib.DEV_ACCOUNT_COUNT));
  });

  it('mines on an interval: a transfer is pending right after send and mined within a few blocks', async () => {
    const b0 = await provider.getBlockNumber();
    await sleep(BLOCK_MS * 3);
    expect(await provider.getBlockNumber()).toBeGreaterThan(b0); // empty blocks keep coming

    const sender = wallet(1);
    const to = Wallet.createRandom().address;
    const amount = parseUnits('12.345678', 6);
    // Populate (nonce, gas, fees) first so that sending is a single RPC call right after a block edge.
    const req = await sender.populateTransaction(await usdc.transfer.populateTransaction(to, amount));
    const edge = await nextBlockEdge(provider);
    const tx = await sender.sendTransaction(req);
    expect(await provider.getTransactionReceipt(tx.hash)).toBeNull(); // not automined

    const receipt = await waitReceipt(provider, tx.hash, BLOCK_MS * 10);
    expect(receipt.blockNumber).toBeGreaterThan(edge);
    expect(receipt.blockNumber - edge).toBeLessThanOrEqual(3);
    expect(await usdc.balanceOf(to)).toBe(amount);
  });

  it('BatchPayout.payout pulls the total once and pays exact token amounts to 3 fresh wallets after approve', async () => {
    const payer = wallet(2);
    const lines = [parseUnits('1.000001', 6), parseUnits('250', 6), 7n].map((amount) => ({ to: Wallet.createRandom().address, amount }));
    const total = batchTotal(lines);
    const before = await usdc.balanceOf(payer.address);
    const data = encodeTokenBatch(String(usdc.target), lines);

    // Without allowance the whole batch reverts (nothing is paid): the pull fails, no line is at fault.
    const noAllowance = await provider.call({ from: payer.address, to: batch.target, data }).then(
      () => null,
      (e: unknown) => decodeBatchRevert(revertDataOf(e)),
    );
    expect(noAllowance).toEqual({ kind: 'pull', reason: 'USDC: insufficient allowance' });

    const approveTx = await (usdc.connect(payer) as Contract).approve(batch.target, total);
    await waitReceipt(provider, approveTx.hash);
    const tx = await payer.sendTransaction({ to: batch.target, data });
    const receipt = await waitReceipt(provider, tx.hash);

    for (const l of lines) expect(await usdc.balanceOf(l.to)).toBe(l.amount);
    expect(await usdc.balanceOf(payer.address)).toBe(before - total);
    expect(await usdc.balanceOf(batch.target)).toBe(0n);
    expect(await usdc.allowance(payer.address, batch.target)).toBe(0n);
    const paid = receipt.logs.map((l) => batch.interface.parseLog(l)).filter((e) => e?.name === 'BatchPaid');
    expect(paid.map((e) => [e!.args.payer, e!.args.token, e!.args.lines, e!.args.total])).toEqual([[payer.address, usdc.target, 3n, total]]);
    const transfers = receipt.logs.map((l) => usdc.interface.parseLog(l)).filter((e) => e?.name === 'Transfer');
    expect(transfers.map((e) => [e!.args.from, e!.args.to, e!.args.value])).toEqual([
      [payer.address, batch.target, total],
      ...lines.map((l) => [batch.target, l.to, l.amount]),
    ]);
  });

  it('BatchPayout.payoutNative moves exact ETH amounts to 3 fresh wallets', async () => {
    const payer = wallet(3);
    const lines = [parseEther('0.1'), parseEther('1.5'), 1n].map((amount) => ({ to: Wallet.createRandom().address, amount }));
    const { data, value } = encodeNativeBatch(lines);

    // msg.value must equal the sum.
    await expect(payer.sendTransaction({ to: batch.target, data, value: value - 1n })).rejects.toThrow();

    const tx = await payer.sendTransaction({ to: batch.target, data, value });
    const receipt = await waitReceipt(provider, tx.hash);
    for (const l of lines) expect(await provider.getBalance(l.to)).toBe(l.amount);
    expect(await provider.getBalance(batch.target)).toBe(0n);
    const paid = receipt.logs.map((l) => batch.interface.parseLog(l)).filter((e) => e?.name === 'BatchPaid');
    expect(paid.map((e) => [e!.args.token, e!.args.lines, e!.args.total])).toEqual([['0x0000000000000000000000000000000000000000', 3n, value]]);
  });

  it('reuses the running node on a second start (same addresses, nothing started)', async () => {
    const second = await lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, file, log: () => undefined });
    expect(second.reused).toBe(true);
    expect(second.rpcUrl).toBe(dc.rpcUrl);
    expect(second.info).toEqual(dc.info);
    await second.stop(); // no-op for a reused chain
    expect(await lib.isPortOpen('127.0.0.1', port)).toBe(true);
    expect(await provider.send('eth_chainId', [])).toBe('0x7a69');
  });

  it('refuses to reuse a node whose contracts are an older build (its code differs from contracts/*.sol)', async () => {
    const artifacts = lib.compileContracts();
    expect(await provider.getCode(dc.info.batchPayout)).toBe(artifacts.BatchPayout.deployedBytecode);
    await provider.send('hardhat_setCode', [dc.info.batchPayout, '0x600160005260206000f3']); // other code, same address
    try {
      await expect(lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, file, log: () => undefined })).rejects.toThrow(
        /older build of the Payrail contracts/,
      );
    } finally {
      await provider.send('hardhat_setCode', [dc.info.batchPayout, artifacts.BatchPayout.deployedBytecode]);
    }
    expect((await lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, file, log: () => undefined })).reused).toBe(true);
  });

  it('stop() kills the node and closes the port', async () => {
    const pid: number = dc.pid;
    await dc.stop();
    expect(await lib.isPortOpen('127.0.0.1', port)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('devchain with another chain id (a second, private dev chain)', () => {
  let tmpDir: string;
  let file: string;
  let port: number;
  let dc: any;
  let provider: JsonRpcProvider;

  beforeAll(async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payrail-devchain-1337-'));
    file = path.join(tmpDir, 'devchain.json');
    port = await lib.freePort();
    dc = await lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, chainId: 1337, file, logFile: path.join(tmpDir, 'node.log'), log: () => undefined });
    provider = new JsonRpcProvider(dc.rpcUrl, 1337, { staticNetwork: true, cacheTimeout: -1 });
  });

  afterAll(async () => {
    provider?.destroy();
    await dc?.stop();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('answers eth_chainId 1337, writes it to the file, and has USDC at the usual address on every funded dev account', async () => {
    expect(await provider.send('eth_chainId', [])).toBe('0x539');
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).toEqual(dc.info);
    expect(written.chainId).toBe(1337);
    // deterministic: CREATE addresses from account 0, as on 31337
    expect(written.tokens.USDC.address).toBe(getCreateAddress({ from: lib.devAccounts(1)[0].address, nonce: 0 }));
    expect(written.batchPayout).toBe(getCreateAddress({ from: lib.devAccounts(1)[0].address, nonce: 1 }));
    expect(await provider.getCode(written.batchPayout)).not.toBe('0x');
    const usdc = new Contract(written.tokens.USDC.address, lib.compileContracts().USDC.abi, provider);
    expect(await usdc.decimals()).toBe(6n);
    const last = lib.devAccounts(lib.DEV_ACCOUNT_COUNT)[lib.DEV_ACCOUNT_COUNT - 1];
    expect(await usdc.balanceOf(last.address)).toBe(ONE_BILLION_USDC);
    expect(await provider.getBalance(last.address)).toBeGreaterThan(parseEther('9999'));
    // a transaction signed for 1337 is mined here
    const w = new Wallet(last.privateKey, provider);
    const sent = await w.sendTransaction({ to: Wallet.createRandom().address, value: 1n, chainId: 1337 });
    expect((await waitReceipt(provider, sent.hash)).status).toBe(1);
  });

  it('a second start on the same port reuses it only when the chain id matches', async () => {
    const again = await lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, chainId: 1337, file, log: () => undefined });
    expect(again.reused).toBe(true);
    expect(again.info.chainId).toBe(1337);
    await expect(lib.startDevchain({ host: '127.0.0.1', port, blockMs: BLOCK_MS, file: path.join(tmpDir, 'other.json'), log: () => undefined })).rejects.toThrow(
      /chainId 1337, not 31337/,
    );
  });
});
