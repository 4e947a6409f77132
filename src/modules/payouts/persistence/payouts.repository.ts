import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { AWAITING_FINALITY, PayoutKind, payoutAllowedFrom } from '../domain/payout-status';
import { PayoutEntity } from './payout.entity';

export interface NewPayout {
  id: string;
  kind: PayoutKind;
  claimIds: string[];
  /** the token amount it carries (sum of its claims; 0 for an approval) */
  amountTotal: bigint;
  token: string;
  signer: string;
  chainId: number;
  nonce: number;
  toAddress: string;
  value: bigint;
  data: string;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  rawTx: string;
  txHash: string;
}

export interface MinedReceipt {
  hash: string;
  blockNumber: number;
  blockHash: string;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  success: boolean;
}

const COLUMNS = `id, kind, claim_ids AS "claimIds", token, signer, chain_id AS "chainId", nonce::text, to_address AS "toAddress",
  value::text, data, gas_limit::text AS "gasLimit", max_fee_per_gas::text AS "maxFeePerGas",
  max_priority_fee_per_gas::text AS "maxPriorityFeePerGas", raw_tx AS "rawTx", tx_hashes AS "txHashes", status,
  mined_tx_hash AS "minedTxHash", block_number::text AS "blockNumber", block_hash AS "blockHash",
  gas_used::text AS "gasUsed", effective_gas_price::text AS "effectiveGasPrice", broadcast_attempts AS "broadcastAttempts",
  last_error AS "lastError", created_at AS "createdAt", broadcast_at AS "broadcastAt", confirmed_at AS "confirmedAt",
  last_broadcast_block::int AS "lastBroadcastBlock", replacements, cancel_tx_hash AS "cancelTxHash",
  cancel_raw_tx AS "cancelRawTx", reorgs, finalized_at AS "finalizedAt"`;

@Injectable()
export class PayoutsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T = PayoutEntity>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  /** Stores a signed payout and returns it as stored (one round trip). */
  async insert(p: NewPayout): Promise<PayoutEntity> {
    const [row] = await this.q(
      `INSERT INTO payouts (id, claim_ids, token, signer, chain_id, nonce, to_address, value, data, gas_limit,
         max_fee_per_gas, max_priority_fee_per_gas, raw_tx, tx_hashes, status, kind, amount_total)
       VALUES ($1, $2::uuid[], $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ARRAY[$14], 'submitted', $15, $16)
       RETURNING ${COLUMNS}`,
      [p.id, p.claimIds, p.token, p.signer, p.chainId, p.nonce, p.toAddress, p.value.toString(), p.data,
        p.gasLimit.toString(), p.maxFeePerGas.toString(), p.maxPriorityFeePerGas.toString(), p.rawTx, p.txHash, p.kind, p.amountTotal.toString()],
    );
    return row!;
  }

  async findById(id: string): Promise<PayoutEntity | null> {
    return (await this.q(`SELECT ${COLUMNS} FROM payouts WHERE id = $1`, [id]))[0] ?? null;
  }

  /** This chain's payouts broadcast (or due to be) and not yet settled, lowest nonce first. */
  async inFlight(chainId: number, limit: number): Promise<PayoutEntity[]> {
    return this.q(`SELECT ${COLUMNS} FROM payouts WHERE status = 'submitted' AND chain_id = $1 ORDER BY signer, nonce LIMIT $2`, [chainId, limit]);
  }

  /** This chain's settled payouts whose block may still be reorged out, oldest block first. */
  async awaitingFinality(chainId: number, limit: number): Promise<PayoutEntity[]> {
    return this.q(
      `SELECT ${COLUMNS} FROM payouts WHERE status = ANY($2::text[]) AND finalized_at IS NULL AND chain_id = $1
        ORDER BY block_number, id LIMIT $3`,
      [chainId, AWAITING_FINALITY, limit],
    );
  }

  /** confirmed -> final (a reverted payout stays reverted): its block, as settled, is final. */
  async finalize(id: string, blockHash: string): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE payouts SET status = CASE WHEN status = 'confirmed' THEN 'final' ELSE status END, finalized_at = now()
        WHERE id = $1 AND status = ANY($3::text[]) AND finalized_at IS NULL AND block_hash = $2 RETURNING id`,
      [id, blockHash, AWAITING_FINALITY],
    );
    return rows.length === 1;
  }

  /**
   * confirmed|reverted -> submitted: a reorg removed the block it was settled in (guarded by that block's
   * hash, so it happens once per settlement). Returns the settlement generation that was taken back.
   */
  async unsettle(id: string, blockHash: string, reason: string): Promise<number | null> {
    const rows = await this.q<{ reorgs: number }>(
      `UPDATE payouts SET status = 'submitted', reorgs = reorgs + 1, mined_tx_hash = NULL, block_number = NULL, block_hash = NULL,
         gas_used = NULL, effective_gas_price = NULL, confirmed_at = NULL, last_broadcast_block = NULL, last_error = $3
        WHERE id = $1 AND status = ANY($4::text[]) AND finalized_at IS NULL AND block_hash = $2 RETURNING reorgs - 1 AS reorgs`,
      [id, blockHash, reason, payoutAllowedFrom('submitted')],
    );
    return rows[0]?.reorgs ?? null;
  }

  /** A broadcast attempt: success (error null) stamps broadcast_at once and the block it happened at. */
  async recordBroadcast(id: string, error: string | null, block: number | null = null): Promise<void> {
    await this.q(
      `UPDATE payouts SET broadcast_attempts = broadcast_attempts + 1,
         broadcast_at = CASE WHEN $2::text IS NULL THEN coalesce(broadcast_at, now()) ELSE broadcast_at END,
         last_broadcast_block = CASE WHEN $2::text IS NULL THEN coalesce($3::bigint, last_broadcast_block) ELSE last_broadcast_block END,
         last_error = $2 WHERE id = $1`,
      [id, error, block],
    );
  }

  /**
   * Stores a replacement (same nonce, higher fees) as the payout's current raw tx and appends its hash.
   * Guarded by the raw tx it replaces, so two concurrent replacers cannot both win.
   */
  async replace(
    id: string,
    expectedRawTx: string,
    r: { rawTx: string; txHash: string; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; block: number },
  ): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE payouts SET raw_tx = $3, tx_hashes = array_append(tx_hashes, $4), max_fee_per_gas = $5,
         max_priority_fee_per_gas = $6, last_broadcast_block = $7, replacements = replacements + 1
       WHERE id = $1 AND status = 'submitted' AND raw_tx = $2 RETURNING id`,
      [id, expectedRawTx, r.rawTx, r.txHash, r.maxFeePerGas.toString(), r.maxPriorityFeePerGas.toString(), r.block],
    );
    return rows.length === 1;
  }

  /** Stores an admin requeue's cancelling transaction (before it is sent), once per payout. */
  async setCancelTx(id: string, rawTx: string, hash: string): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE payouts SET cancel_raw_tx = $2, cancel_tx_hash = $3 WHERE id = $1 AND status = 'submitted' AND cancel_tx_hash IS NULL RETURNING id`,
      [id, rawTx, hash],
    );
    return rows.length === 1;
  }

  /** submitted -> dropped: the nonce was provably consumed by a transaction that is not ours. */
  async drop(id: string, reason: string): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE payouts SET status = 'dropped', last_error = $2 WHERE id = $1 AND status = ANY($3::text[]) RETURNING id`,
      [id, reason, payoutAllowedFrom('dropped')],
    );
    return rows.length === 1;
  }

  /**
   * Value committed by this signer's payouts that its balance at `block` may not reflect: those in flight
   * (submitted) and those settled in a later block. Token amounts (the claims each carries), and ETH for
   * value + gas at its cap.
   */
  async commitmentsSince(signer: string, chainId: number, block: number): Promise<{ token: string; amount: string; ethBudget: string }[]> {
    return this.q(
      `SELECT token, sum(CASE WHEN token = 'ETH' THEN 0
                              ELSE coalesce(p.amount_total, (SELECT sum(c.amount_base) FROM claims c WHERE c.id = ANY(p.claim_ids)), 0) END)::text AS amount,
              sum(value + gas_limit * max_fee_per_gas)::text AS "ethBudget"
         FROM payouts p
        WHERE p.signer = $1 AND p.chain_id = $2
          AND (p.status = 'submitted' OR (p.status IN ('confirmed','final','reverted') AND p.block_number > $3))
        GROUP BY token`,
      [signer, chainId, block],
    );
  }

  /**
   * What the signer's payouts from nonce `minedCount` on will still take from its balance: exactly those a
   * balance read at the block where the signer had mined `minedCount` transactions does not reflect yet
   * (any status but dropped: one settled since that block is mined after it). Token amounts exact, ETH at the
   * gas cap. The floor breaker's "after its unmined payouts" (FloorBreaker).
   */
  async unminedCommitments(signer: string, chainId: number, minedCount: number): Promise<{ token: string; amount: string; ethBudget: string }[]> {
    return this.q(
      `SELECT token, sum(CASE WHEN token = 'ETH' THEN 0
                              ELSE coalesce(p.amount_total, (SELECT sum(c.amount_base) FROM claims c WHERE c.id = ANY(p.claim_ids)), 0) END)::text AS amount,
              sum(value + gas_limit * max_fee_per_gas)::text AS "ethBudget"
         FROM payouts p
        WHERE p.signer = $1 AND p.chain_id = $2 AND p.nonce >= $3 AND p.status <> 'dropped'
        GROUP BY token`,
      [signer, chainId, minedCount],
    );
  }

  /** In-flight payouts per signer of this chain (the lanes' load). */
  async inFlightBySigner(chainId: number, signers: string[]): Promise<Map<string, number>> {
    const rows = await this.q<{ signer: string; n: number }>(
      `SELECT signer, count(*)::int AS n FROM payouts WHERE chain_id = $1 AND status = 'submitted' AND signer = ANY($2::text[]) GROUP BY signer`,
      [chainId, signers],
    );
    return new Map(rows.map((r) => [r.signer, r.n]));
  }

  /** Has this signer an approval of the batch contract for `token` that is not known to have failed? */
  async hasApproval(signer: string, chainId: number, token: string): Promise<boolean> {
    const rows = await this.q(
      `SELECT 1 FROM payouts WHERE signer = $1 AND chain_id = $2 AND token = $3 AND kind = 'approve' AND status IN ('submitted','confirmed','final') LIMIT 1`,
      [signer, chainId, token],
    );
    return rows.length > 0;
  }

  async countInFlight(signer: string, chainId: number): Promise<number> {
    const rows = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM payouts WHERE signer = $1 AND chain_id = $2 AND status = 'submitted'`,
      [signer, chainId],
    );
    return rows[0]!.n;
  }

  /** The lowest-nonce payout of this signer on this chain at or above `nonce`, whatever its status (its nonce is taken). */
  async lowestHoldingFrom(signer: string, chainId: number, nonce: number): Promise<{ id: string; nonce: number; status: string } | null> {
    const [row] = await this.q<{ id: string; nonce: string; status: string }>(
      `SELECT id, nonce::text, status FROM payouts WHERE signer = $1 AND chain_id = $2 AND nonce >= $3 ORDER BY nonce LIMIT 1`,
      [signer, chainId, nonce],
    );
    return row ? { id: row.id, nonce: Number(row.nonce), status: row.status } : null;
  }

  async setAlert(signer: string, token: string, reason: string | null): Promise<void> {
    if (reason === null) {
      await this.q(`DELETE FROM treasury_alerts WHERE signer = $1 AND token = $2`, [signer, token]);
      return;
    }
    await this.q(
      `INSERT INTO treasury_alerts (signer, token, reason) VALUES ($1, $2, $3)
       ON CONFLICT (signer, token) DO UPDATE SET reason = EXCLUDED.reason`,
      [signer, token, reason],
    );
  }

  async alerts(): Promise<{ signer: string; token: string; reason: string; since: Date }[]> {
    return this.q(`SELECT signer, token, reason, since FROM treasury_alerts ORDER BY since`);
  }

  /** submitted -> confirmed|reverted, once: returns false when another settler got there first. */
  async settle(id: string, r: MinedReceipt): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE payouts SET status = $2, mined_tx_hash = $3, block_number = $4, block_hash = $5, gas_used = $6,
         effective_gas_price = $7, confirmed_at = now(), last_error = NULL
       WHERE id = $1 AND status = ANY($8::text[]) AND $3 = ANY(tx_hashes) RETURNING id`,
      [id, r.success ? 'confirmed' : 'reverted', r.hash, r.blockNumber, r.blockHash, r.gasUsed.toString(), r.effectiveGasPrice.toString(), payoutAllowedFrom('confirmed')],
    );
    return rows.length === 1;
  }

  /** Per signer of this chain: its next nonce and how many payouts it has in flight. */
  async signerSummaries(chainId: number): Promise<{ address: string; nextNonce: number; inFlight: number }[]> {
    return this.q(
      `SELECT s.address, s.next_nonce::int AS "nextNonce",
              (SELECT count(*)::int FROM payouts p WHERE p.signer = s.address AND p.chain_id = s.chain_id AND p.status = 'submitted') AS "inFlight"
         FROM signers s WHERE s.chain_id = $1 ORDER BY s.address`,
      [chainId],
    );
  }
}
