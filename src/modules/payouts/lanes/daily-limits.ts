import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { queryRows } from '../../../platform/database/sql';
import { ChainService } from '../../../platform/chain/chain.service';
import { ClaimLifecycle } from '../../claims/claim-lifecycle.service';
import { formatAmount } from '../../claims/domain/money';
import { ClaimEntity } from '../../claims/persistence/claim.entity';

/** A claim the window cannot take now: it waits pending with this as lastError. */
export class OverLimitError extends Error {}

/**
 * What the rolling 24 h limits leave for one signing transaction. Built under the token's limit lock, so
 * every lane of every process sees the money the others signed (they commit before releasing it).
 */
export class LimitWindow {
  private readonly byWallet = new Map<string, bigint>();

  constructor(
    private readonly token: string,
    private readonly decimals: number,
    private total: bigint,
    private readonly perDay: bigint | null,
    private readonly perWallet: bigint | null,
    private readonly load: (wallets: string[]) => Promise<Map<string, bigint>>,
  ) {}

  /**
   * The claims the window takes, in order, each counted as it is taken (so a batch never carries more than the
   * limits allow), and for the first refused one the limit that refused it.
   */
  async admit(claims: ClaimEntity[]): Promise<{ admitted: ClaimEntity[]; refused: string | null }> {
    if (this.perWallet !== null) {
      const unknown = [...new Set(claims.map((c) => c.wallet))].filter((w) => !this.byWallet.has(w));
      if (unknown.length) {
        const used = await this.load(unknown);
        for (const w of unknown) this.byWallet.set(w, used.get(w) ?? 0n);
      }
    }
    const admitted: ClaimEntity[] = [];
    let refused: string | null = null;
    for (const c of claims) {
      const amount = BigInt(c.amountBase);
      const why = this.refusal(c.wallet, amount);
      if (why) {
        refused ??= why;
        continue;
      }
      this.total += amount;
      if (this.perWallet !== null) this.byWallet.set(c.wallet, this.byWallet.get(c.wallet)! + amount);
      admitted.push(c);
    }
    return { admitted, refused };
  }

  private refusal(wallet: string, amount: bigint): string | null {
    const fmt = (v: bigint) => `${formatAmount(v, this.decimals)} ${this.token}`;
    if (this.perDay !== null && this.total + amount > this.perDay) {
      return `waiting: LIMIT_PER_DAY of ${fmt(this.perDay)} in any 24 h is reached (${fmt(this.total)} signed in the last 24 h); it goes out when the window allows or the limit is raised`;
    }
    const used = this.byWallet.get(wallet) ?? 0n;
    if (this.perWallet !== null && used + amount > this.perWallet) {
      return `waiting: LIMIT_PER_WALLET_DAY of ${fmt(this.perWallet)} in any 24 h is reached for this wallet (${fmt(used)} signed in the last 24 h); it goes out when the window allows or the limit is raised`;
    }
    return null;
  }
}

/**
 * LIMIT_PER_DAY and LIMIT_PER_WALLET_DAY (API.md "Treasury controls"), enforced where money is committed: inside
 * the lane's signing transaction. `open` takes a transaction-scoped advisory lock per (chain, token), then reads
 * what was signed in the last 24 h; the lock is held to commit, so two lanes (in any process) never both count
 * the same headroom. Only tokens with a limit take the lock: others sign as before, lane-parallel.
 */
@Injectable()
export class DailyLimits {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly claims: ClaimLifecycle,
    private readonly chain: ChainService,
  ) {}

  /** Inside the signing transaction: the token's window, or null when the token has no daily limit. */
  async open(token: string, lock = true): Promise<LimitWindow | null> {
    const perDay = this.config.limitPerDay[token];
    const perWallet = this.config.limitPerWalletDay[token];
    if (perDay === undefined && perWallet === undefined) return null;
    if (lock) await queryRows(this.txHost.tx, `SELECT pg_advisory_xact_lock(hashtext($1))`, [`payrail:limits:${this.chain.chainId}:${token}`]);
    const { total } = await this.claims.signedInWindow(token, []);
    const decimals = this.chain.token(token)?.decimals ?? 18;
    return new LimitWindow(token, decimals, total, perDay === undefined ? null : BigInt(perDay), perWallet === undefined ? null : BigInt(perWallet), async (wallets) =>
      (await this.claims.signedInWindow(token, wallets)).byWallet,
    );
  }

  /**
   * Before leasing, without the lock: the limit that keeps `claim` waiting now, or null. A claim it names waits
   * without a lease (no attempt counted per retry); one it lets through is checked again under the lock, which
   * alone decides.
   */
  async blocks(claim: ClaimEntity): Promise<string | null> {
    const window = await this.open(claim.token, false);
    return window ? (await window.admit([claim])).refused : null;
  }
}
