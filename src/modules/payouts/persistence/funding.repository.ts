import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { fundingJournalPrefixes, UNSETTLED_PAYOUT_STATUSES } from '../domain/funding';

export interface BookedAtBlock {
  /** payouts of the signer below the nonce at B that are not settled yet (their journals may be missing) */
  unsettled: number;
  /** sum of `treasury:<token>` postings visible at B, per token (absent = 0) */
  booked: Record<string, bigint>;
}

/** What FundingSync asks Postgres: the signers to sync, the last block synced, and the books as of a block. */
@Injectable()
export class FundingRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Every signer registered on the chain (retired keys included: their balances are part of the treasury). */
  async signers(chainId: number): Promise<string[]> {
    const rows = await queryRows<{ address: string }>(this.txHost.tx, `SELECT address FROM signers WHERE chain_id = $1 ORDER BY address`, [chainId]);
    return rows.map((r) => r.address);
  }

  /** The last block synced per token for this signer on this chain. */
  async lastSynced(chainId: number, signer: string): Promise<Map<string, number>> {
    const rows = await queryRows<{ token: string; block: string }>(
      this.txHost.tx,
      `SELECT token, block::text FROM funding_syncs WHERE chain_id = $1 AND signer = $2`,
      [chainId, signer],
    );
    return new Map(rows.map((r) => [r.token, Number(r.block)]));
  }

  /** Records B for a token; never moves backwards (a lower block leaves the row as it is). */
  async markSynced(chainId: number, signer: string, token: string, block: number, nonce: number): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO funding_syncs (chain_id, signer, token, block, nonce) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (chain_id, signer, token) DO UPDATE SET block = EXCLUDED.block, nonce = EXCLUDED.nonce, synced_at = now()
       WHERE funding_syncs.block < EXCLUDED.block`,
      [chainId, signer, token, block, nonce],
    );
  }

  /**
   * The signer's `treasury:*` as of a block whose nonce is `nonceAtBlock`: its funding journals on this chain
   * plus every journal of its payouts with a lower nonce (settlement, gas, cancel gas, and any later reversal,
   * all carrying the payout id as ref). One statement, so one snapshot: a settlement commits its status and
   * journals together, and either both are seen or neither.
   */
  async bookedAt(chainId: number, signer: string, nonceAtBlock: number): Promise<BookedAtBlock> {
    const [row] = await queryRows<{ unsettled: number; booked: Record<string, string> }>(
      this.txHost.tx,
      `WITH below AS (
         SELECT p.id::text AS ref, p.status FROM payouts p WHERE p.signer = $1 AND p.chain_id = $2 AND p.nonce < $3
       ), visible AS (
         SELECT j.id FROM ledger_journals j WHERE j.ref = $1 AND (starts_with(j.id, $4) OR starts_with(j.id, $5))
         UNION ALL
         SELECT j.id FROM below b JOIN ledger_journals j ON j.ref = b.ref WHERE b.status <> ALL($6::text[])
       ), sums AS (
         SELECT lp.currency, sum(lp.amount)::text AS total
           FROM visible v JOIN ledger_postings lp ON lp.journal_id = v.id
          WHERE lp.account = 'treasury:' || lp.currency
          GROUP BY lp.currency
       )
       SELECT (SELECT count(*)::int FROM below WHERE status = ANY($6::text[])) AS unsettled,
              (SELECT coalesce(json_object_agg(currency, total), '{}'::json) FROM sums) AS booked`,
      [signer, chainId, nonceAtBlock, ...fundingJournalPrefixes(chainId, signer), UNSETTLED_PAYOUT_STATUSES],
    );
    const booked: Record<string, bigint> = {};
    for (const [token, total] of Object.entries(row!.booked)) booked[token] = BigInt(total);
    return { unsettled: row!.unsettled, booked };
  }
}
