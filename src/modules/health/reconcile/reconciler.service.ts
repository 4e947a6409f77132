import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { formatUnits } from 'ethers';
import type { Gauge } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { ChainService } from '../../../platform/chain/chain.service';
import { queryRows } from '../../../platform/database/sql';
import { METRIC } from '../../../platform/metrics/metrics';
import { computeDrift, nonceGap, PayoutEffect } from './drift';
import { redactRpcUrl } from '../../../platform/chain/rpc-url';
import { TripImbalanceBreakerCommand } from '../../payouts/commands/trip-imbalance-breaker/trip-imbalance-breaker.command';

export interface SignerReport {
  address: string;
  nextNonce: number;
  chainPendingNonce: number;
  minedNonce: number;
  lag: number;
  gap: number;
}

export interface ReconcileReport {
  block: number;
  drift: Record<string, string>;
  imbalance: Record<string, string>;
  signerBalance: Record<string, string>;
  signers: SignerReport[];
}

interface PayoutRow {
  id: string;
  token: string;
  status: string;
  tx_hashes: string[];
  gas_used: string | null;
  effective_gas_price: string | null;
  amount: string | null;
}

/**
 * The reconciliation job: every RECONCILE_EVERY_MS, in each process serving /metrics (roles api, all), it
 * compares the chain with the books and exports the result:
 * `payrail_ledger_drift_base{token}` (see drift.ts), `payrail_ledger_imbalance{currency}` (sum of all
 * postings), `payrail_signer_balance{token}` (current treasury, token units), `payrail_nonce_lag{signer}`
 * (signers.next_nonce - chain pending nonce), `payrail_nonce_gap{signer}` and the time of its last success.
 * It only reads (Postgres in one REPEATABLE READ snapshot, the chain at one block), with one exception: a
 * trial balance that is not zero trips the imbalance breaker (TripImbalanceBreakerCommand), since this job
 * sums every posting anyway.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconcile');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private lastDrift = new Map<string, string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly chain: ChainService,
    @InjectMetric(METRIC.ledgerDrift) private readonly drift: Gauge<string>,
    @InjectMetric(METRIC.ledgerImbalance) private readonly imbalance: Gauge<string>,
    @InjectMetric(METRIC.signerBalance) private readonly signerBalance: Gauge<string>,
    @InjectMetric(METRIC.nonceLag) private readonly nonceLag: Gauge<string>,
    @InjectMetric(METRIC.nonceGap) private readonly nonceGapGauge: Gauge<string>,
    @InjectMetric(METRIC.reconcileLastSuccess) private readonly lastSuccess: Gauge<string>,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'worker') return; // its gauges are only scraped where HTTP runs
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.reconcile()
        .catch((err: unknown) => this.logger.warn(`reconciliation failed (next run in ${this.config.reconcileEveryMs} ms): ${redactRpcUrl((err as Error).message)}`))
        .finally(() => {
          this.running = null;
          this.schedule(this.config.reconcileEveryMs);
        });
    }, delay);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async reconcile(): Promise<ReconcileReport> {
    const chainId = this.chain.chainId;
    const tokens = this.chain.tokenSymbols();
    const provider = this.chain.provider;
    const addresses = (await queryRows<{ address: string }>(this.db.manager, `SELECT address FROM signers WHERE chain_id = $1 ORDER BY address`, [chainId])).map(
      (r) => r.address,
    );
    for (const lane of this.chain.activeAddresses()) if (!addresses.includes(lane)) addresses.push(lane);

    // 1. the chain at one block B
    const block = await provider.getBlockNumber();
    const perSigner = await Promise.all(
      addresses.map(async (address) => {
        const [minedNonce, pendingNonce, balances] = await Promise.all([
          provider.getTransactionCount(address, block),
          provider.getTransactionCount(address, 'pending'),
          Promise.all(tokens.map(async (t) => [t, await this.chain.balanceOf(t, address, block)] as const)),
        ]);
        return { address, minedNonce, pendingNonce, balances: Object.fromEntries(balances) as Record<string, bigint> };
      }),
    );

    // 2. the books in one snapshot S, taken after B
    const snap = await this.db.transaction('REPEATABLE READ', async (m) => {
      const ledger = await queryRows<{ currency: string; total: string }>(
        m,
        `SELECT currency, sum(amount)::text AS total FROM ledger_postings WHERE account = ANY($1::text[]) GROUP BY currency`,
        [tokens.map((t) => `treasury:${t}`)],
      );
      const sums = await queryRows<{ currency: string; total: string }>(m, `SELECT currency, sum(amount)::text AS total FROM ledger_postings GROUP BY currency`);
      const signers = await queryRows<{ address: string; next_nonce: string }>(m, `SELECT address, next_nonce FROM signers WHERE chain_id = $1`, [chainId]);
      const bySigner = await Promise.all(perSigner.map(async (s) => ({ address: s.address, ...(await this.payoutsAround(m, s.address, chainId, s.minedNonce)) })));
      return { ledger, sums, signers, bySigner };
    });

    // 3. payouts mined by B whose settlement is not in S: find their receipts at or below B
    const minedUnsettled: PayoutEffect[] = [];
    const settledAfter: PayoutEffect[] = [];
    for (const s of snap.bySigner) {
      for (const p of s.inFlight) {
        const effect = await this.minedEffect(p, block);
        if (effect) minedUnsettled.push(effect);
      }
      for (const p of s.settled) settledAfter.push(this.settledEffect(p));
    }

    const chainTotals: Record<string, bigint> = {};
    for (const s of perSigner) for (const t of tokens) chainTotals[t] = (chainTotals[t] ?? 0n) + (s.balances[t] ?? 0n);
    const drift = computeDrift({
      tokens,
      chain: chainTotals,
      ledger: Object.fromEntries(snap.ledger.map((r) => [r.currency, BigInt(r.total)])),
      minedUnsettled,
      settledAfter,
    });

    const report: ReconcileReport = { block, drift: {}, imbalance: {}, signerBalance: {}, signers: [] };
    for (const t of tokens) {
      report.drift[t] = drift[t]!.toString();
      this.drift.set({ token: t }, Number(drift[t]));
      if (this.lastDrift.get(t) !== report.drift[t]) {
        if (drift[t] !== 0n) this.logger.warn({ msg: `ledger drift on ${t}: chain minus ledger = ${drift[t]} base units`, token: t, block });
        else if (this.lastDrift.has(t)) this.logger.log({ msg: `ledger drift on ${t} back to 0`, token: t, block });
        this.lastDrift.set(t, report.drift[t]);
      }
    }
    const sums = Object.fromEntries(snap.sums.map((r) => [r.currency, r.total]));
    for (const c of new Set([...tokens, ...Object.keys(sums)])) {
      report.imbalance[c] = sums[c] ?? '0';
      this.imbalance.set({ currency: c }, Number(sums[c] ?? 0));
    }
    if (Object.values(report.imbalance).some((v) => v !== '0')) await this.commands.execute(new TripImbalanceBreakerCommand(report.imbalance));
    const treasury = perSigner.find((s) => s.address === this.chain.treasury.address)!;
    for (const t of tokens) {
      const units = formatUnits(treasury.balances[t] ?? 0n, this.chain.token(t)!.decimals);
      report.signerBalance[t] = units;
      this.signerBalance.set({ token: t }, Number(units));
    }
    for (const s of perSigner) {
      const row = snap.signers.find((r) => r.address === s.address);
      if (!row) continue;
      const nextNonce = Number(row.next_nonce);
      const held = snap.bySigner.find((b) => b.address === s.address)!.rowsFromMined;
      const r: SignerReport = {
        address: s.address,
        nextNonce,
        chainPendingNonce: s.pendingNonce,
        minedNonce: s.minedNonce,
        lag: nextNonce - s.pendingNonce,
        gap: nonceGap(nextNonce, s.minedNonce, held),
      };
      report.signers.push(r);
      this.nonceLag.set({ signer: s.address }, r.lag);
      this.nonceGapGauge.set({ signer: s.address }, r.gap);
    }
    this.lastSuccess.set(Date.now() / 1000);
    return report;
  }

  /** In S: in-flight payouts below nonce@B (mined by B) and settled ones from nonce@B on (mined after B). */
  private async payoutsAround(m: EntityManager, signer: string, chainId: number, minedNonce: number) {
    const cols = `p.id, p.token, p.status, p.tx_hashes, p.gas_used::text AS gas_used, p.effective_gas_price::text AS effective_gas_price,
      (SELECT sum(c.amount_base) FROM claims c WHERE c.payout_id = p.id)::text AS amount`;
    const inFlight = await queryRows<PayoutRow>(
      m,
      `SELECT ${cols} FROM payouts p WHERE p.status = 'submitted' AND p.signer = $1 AND p.chain_id = $2 AND p.nonce < $3`,
      [signer, chainId, minedNonce],
    );
    const settled = await queryRows<PayoutRow>(
      m,
      `SELECT ${cols} FROM payouts p WHERE p.signer = $1 AND p.chain_id = $2 AND p.nonce >= $3 AND p.status IN ('confirmed', 'final', 'reverted')`,
      [signer, chainId, minedNonce],
    );
    const [held] = await queryRows<{ n: number }>(
      m,
      `SELECT count(*)::int AS n FROM payouts WHERE signer = $1 AND chain_id = $2 AND nonce >= $3 AND status <> 'dropped'`,
      [signer, chainId, minedNonce],
    );
    return { inFlight, settled, rowsFromMined: held?.n ?? 0 };
  }

  private settledEffect(p: PayoutRow): PayoutEffect {
    const gas = BigInt(p.gas_used ?? 0) * BigInt(p.effective_gas_price ?? 0);
    return { token: p.token, amount: p.status === 'confirmed' || p.status === 'final' ? BigInt(p.amount ?? 0) : 0n, gas };
  }

  /** The effect of an in-flight payout whose tx is mined at or below `block`, or null (not ours / not mined). */
  private async minedEffect(p: PayoutRow, block: number): Promise<PayoutEffect | null> {
    for (const hash of p.tx_hashes) {
      const r = await this.chain.provider.getTransactionReceipt(hash);
      if (r && r.blockNumber !== null && r.blockNumber <= block) {
        return { token: p.token, amount: r.status === 1 ? BigInt(p.amount ?? 0) : 0n, gas: r.gasUsed * r.gasPrice };
      }
    }
    return null;
  }
}
