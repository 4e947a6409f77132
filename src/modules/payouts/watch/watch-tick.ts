import type { JsonRpcProvider } from 'ethers';
import type { PayoutEntity } from '../persistence/payout.entity';

/** The chain reads a tick shares between its concerns, each asked at most once per tick. */
export type WatchProvider = Pick<JsonRpcProvider, 'getBlock' | 'getTransactionCount'>;

/**
 * One tick of the in-flight watch, at one head. Every chain question that more than one payout (or more
 * than one concern) needs is asked here once and memoised: the hash of a block, the last final block, a
 * signer's nonce at that final block. The signer's mined nonce count at head (`minedCount`) is read once
 * per signer up front by the orchestrator: it splits the signer's open payouts into mined (nonce below it:
 * receipts exist, or the nonce went to a foreign transaction) and not mined (no receipt can exist: no
 * receipt question is asked for them).
 */
export class WatchTick {
  private readonly blockHashes = new Map<number, Promise<string | null>>();
  private readonly finalNonces = new Map<string, Promise<number>>();
  private finalizedBlock: Promise<number> | null = null;
  /** a concern that could not finish a payout (an RPC or database error): the next tick must look again */
  private failures = 0;

  constructor(
    readonly head: number,
    readonly actor: string,
    private readonly provider: WatchProvider,
    private readonly finalizedAt: (head: number) => Promise<number>,
  ) {}

  /** The canonical hash of block `n` (null above head or when the node has no such block). */
  blockHash(n: number): Promise<string | null> {
    if (!this.blockHashes.has(n)) {
      const asked = n > this.head ? Promise.resolve(null) : this.provider.getBlock(n).then((b) => b?.hash ?? null);
      asked.catch(() => this.blockHashes.delete(n)); // a failed question is asked again, not remembered
      this.blockHashes.set(n, asked);
    }
    return this.blockHashes.get(n)!;
  }

  /** The last final block at this head (asked only by a concern that needs it). */
  finalized(): Promise<number> {
    if (!this.finalizedBlock) this.finalizedBlock = this.finalizedAt(this.head);
    return this.finalizedBlock;
  }

  /** How many nonces of `signer` final transactions have consumed: only those may ever be re-issued. */
  nonceAtFinal(signer: string): Promise<number> {
    if (!this.finalNonces.has(signer)) {
      this.finalNonces.set(
        signer,
        this.finalized().then((f) => (f < 0 ? 0 : this.provider.getTransactionCount(signer, f))),
      );
    }
    return this.finalNonces.get(signer)!;
  }

  failed(): void {
    this.failures++;
  }

  get complete(): boolean {
    return this.failures === 0;
  }
}

/** One signer's open payouts at a tick, split by its mined nonce count at head. */
export interface SignerView {
  signer: string;
  /** getTransactionCount(signer, head): nonces below it are consumed on chain */
  minedCount: number;
  /** nonce < minedCount, lowest first: mined by one of our hashes, or by a foreign transaction */
  mined: PayoutEntity[];
  /** nonce >= minedCount, lowest first: not mined at head */
  unmined: PayoutEntity[];
}

export function splitByMinedCount(signer: string, minedCount: number, open: PayoutEntity[]): SignerView {
  const sorted = [...open].sort((a, b) => Number(a.nonce) - Number(b.nonce));
  return {
    signer,
    minedCount,
    mined: sorted.filter((p) => Number(p.nonce) < minedCount),
    unmined: sorted.filter((p) => Number(p.nonce) >= minedCount),
  };
}
