import { Injectable } from '@nestjs/common';
import { ChainService } from './chain.service';

/** How long a head number is trusted before the node is asked again (well under any chain's block time). */
export const HEAD_TTL_MS = 250;

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * What the pay path needs to know about the chain, asked once per block, never per claim (issue 13, ADR
 * 0009): the head number (asked at most every HEAD_TTL_MS, one request in flight however many callers),
 * the fees of that head, and balances AT that block number (so a balance and the payouts Postgres knows
 * were settled after it can be compared exactly, see FundsGuard). Every answer is shared by every caller
 * until the head moves; a failed request is not cached, the next caller asks again.
 */
@Injectable()
export class ChainHead {
  private head: { block: number; at: number } | null = null;
  private asking: Promise<number> | null = null;
  private readonly perBlock = new Map<string, Promise<unknown>>();
  private cachedBlock = -1;

  constructor(private readonly chain: ChainService) {}

  /** The head block number, at most HEAD_TTL_MS old. */
  async block(): Promise<number> {
    if (this.head && Date.now() - this.head.at < HEAD_TTL_MS) return this.head.block;
    if (!this.asking) {
      this.asking = this.chain.provider
        .getBlockNumber()
        .then((block) => {
          // taken as the node says, even lower than before: after a reorg a higher number may not exist
          this.head = { block, at: Date.now() };
          return block;
        })
        .finally(() => {
          this.asking = null;
        });
    }
    return this.asking;
  }

  /** A head number seen recently, without asking the node (null before the first answer). */
  lastSeen(): number | null {
    return this.head?.block ?? null;
  }

  /** EIP-1559 fees at the head block (one fee question per block). */
  fees(block: number): Promise<Fees> {
    return this.once(block, 'fees', async () => {
      const fees = await this.chain.provider.getFeeData();
      const maxPriorityFeePerGas = fees.maxPriorityFeePerGas ?? 1_000_000_000n;
      const maxFeePerGas = fees.maxFeePerGas ?? (fees.gasPrice ?? 1_000_000_000n) * 2n;
      return { maxFeePerGas, maxPriorityFeePerGas };
    });
  }

  /** `address`'s balance of `token` at `block` (one question per block, token and address). */
  balance(block: number, token: string, address: string): Promise<bigint> {
    return this.once(block, `balance:${token}:${address.toLowerCase()}`, () => this.chain.balanceOf(token, address, block));
  }

  private once<T>(block: number, key: string, ask: () => Promise<T>): Promise<T> {
    if (block !== this.cachedBlock) {
      this.perBlock.clear(); // one block's answers at a time: the map never grows past one block's questions
      this.cachedBlock = block;
    }
    const k = `${block}:${key}`;
    let p = this.perBlock.get(k) as Promise<T> | undefined;
    if (!p) {
      p = ask();
      this.perBlock.set(k, p);
      p.catch(() => this.perBlock.delete(k));
    }
    return p;
  }
}
