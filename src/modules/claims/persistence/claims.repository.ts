import { cursorAtSql } from '../../../platform/http/pagination';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { UUID_RE } from '../../../platform/http/ids';
import { allowedFrom, ClaimStatus } from '../domain/claim-status';
import { ClaimEntity, ClaimEventEntity } from './claim.entity';

export interface NewClaim {
  idempoKey: string;
  wallet: string;
  token: string;
  amountBase: bigint;
  decimals: number;
  reason: string;
  client: string;
  /** the chain the claim is paid on (the creating process's) */
  chainId: number;
  /** `held` (API.md "Treasury controls": above APPROVAL_ABOVE, or to a denied wallet); default pending */
  status?: 'pending' | 'held';
  /** why it is held (shown as lastError) */
  lastError?: string | null;
  /** the program whose budget pays it */
  programId?: string | null;
}

/** A keyset position in a sweep: the sort column at microsecond precision (text) and the id. */
export interface SweepKey {
  at: string;
  id: string;
}

export interface ListFilter {
  /** only the claims this API key owns (see OWNED_BY); unset = every claim (admin) */
  owner?: string | null;
  wallet?: string;
  status?: ClaimStatus;
  limit: number;
  after?: { createdAt: string; id: string };
}

const COLUMNS = `id, idempo_key AS "idempoKey", wallet, token, amount_base::text AS "amountBase", decimals, reason,
  client, chain_id AS "chainId", status, attempts, tx_hash AS "txHash", payout_id AS "payoutId", last_error AS "lastError",
  lease_owner AS "leaseOwner", lease_until AS "leaseUntil", created_at AS "createdAt", updated_at AS "updatedAt",
  processed_at AS "processedAt", max_batch AS "maxBatch", program_id AS "programId"`;

/**
 * The claims an API key owns: those it created (`client` = its name), and the payouts of the savings groups it
 * created (`client` = `cycle`). `$n` is the key name.
 */
function ownedBy(n: number): string {
  return `(claims.client = $${n} OR (claims.client = 'cycle' AND EXISTS (
    SELECT 1 FROM cycle_payouts cp JOIN savings_groups g ON g.id = cp.group_id WHERE cp.claim_id = claims.id AND g.created_by = $${n})))`;
}

/**
 * The claims an API key may READ: its own, and the vouchers (`client` = `signed`): those are issued by the
 * platform's own issuer keys and submitted without a key, so no key owns them, and the platform's backends
 * follow them with any key. Only an admin may cancel a voucher.
 */
function readableBy(n: number): string {
  return `(claims.client = 'signed' OR ${ownedBy(n)})`;
}

/** One row of the claims export (GET /v1/claims/export): the claim with its payout's block and gas. */
export interface ClaimExportRow {
  id: string;
  wallet: string;
  token: string;
  amountBase: string;
  decimals: number;
  reason: string;
  /** the program whose budget pays it */
  program: string | null;
  status: string;
  txHash: string | null;
  /** the payout's block, once mined (null again after a reorg took it back) */
  blockNumber: string | null;
  /** the payout's gas in wei (gas used x effective gas price), once mined */
  payoutGas: string | null;
  /** how many claims the payout carries, and how many of their ids sort before this claim's (gasShare) */
  payoutClaims: number | null;
  payoutRank: number | null;
  createdAt: Date;
  processedAt: Date | null;
  /** keyset position: created_at at microsecond precision */
  at: string;
}

export interface ExportFilter {
  /** only the claims this API key may read (as GET /v1/claims); null = every claim (admin) */
  owner: string | null;
  from: string | null;
  to: string | null;
  /** only this program's claims */
  program?: string | null;
}


/** Every question and state change the domain asks of the claims table, one method each. */
@Injectable()
export class ClaimsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T = ClaimEntity>(sql: string, params: unknown[]): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  /** INSERT ... ON CONFLICT (idempo_key) DO NOTHING: null when the entitlement already has a claim. */
  async insertIfAbsent(c: NewClaim): Promise<ClaimEntity | null> {
    const rows = await this.q(
      `INSERT INTO claims (idempo_key, wallet, token, amount_base, decimals, reason, client, chain_id, status, last_error, program_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (idempo_key) DO NOTHING RETURNING ${COLUMNS}`,
      [c.idempoKey, c.wallet, c.token, c.amountBase.toString(), c.decimals, c.reason, c.client, c.chainId, c.status ?? 'pending', c.lastError ?? null, c.programId ?? null],
    );
    return rows[0] ?? null;
  }

  /**
   * `insertIfAbsent` for many claims in ONE statement (bulk intake): the claims inserted; an entitlement
   * that already has a claim is skipped (absent from the result).
   */
  async insertManyIfAbsent(cs: NewClaim[]): Promise<ClaimEntity[]> {
    if (cs.length === 0) return [];
    return this.q(
      `INSERT INTO claims (idempo_key, wallet, token, amount_base, decimals, reason, client, chain_id, status, last_error, program_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::int[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::uuid[])
       ON CONFLICT (idempo_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        cs.map((c) => c.idempoKey),
        cs.map((c) => c.wallet),
        cs.map((c) => c.token),
        cs.map((c) => c.amountBase.toString()),
        cs.map((c) => c.decimals),
        cs.map((c) => c.reason),
        cs.map((c) => c.client),
        cs.map((c) => c.chainId),
        cs.map((c) => c.status ?? 'pending'),
        cs.map((c) => c.lastError ?? null),
        cs.map((c) => c.programId ?? null),
      ],
    );
  }

  async findByIdempoKeys(keys: string[]): Promise<ClaimEntity[]> {
    if (keys.length === 0) return [];
    return this.q(`SELECT ${COLUMNS} FROM claims WHERE idempo_key = ANY($1::text[])`, [keys]);
  }

  async findByIdempoKey(key: string): Promise<ClaimEntity | null> {
    return (await this.q(`SELECT ${COLUMNS} FROM claims WHERE idempo_key = $1`, [key]))[0] ?? null;
  }

  async findById(id: string): Promise<ClaimEntity | null> {
    return (await this.q(`SELECT ${COLUMNS} FROM claims WHERE id = $1`, [id]))[0] ?? null;
  }

  /**
   * The claim if `owner` may read it (`read`: its own and vouchers) or change it (`change`: its own only); null
   * owner = an admin, every claim. Another key's claim is null, as if unknown.
   */
  async findVisible(id: string, owner: string | null | undefined, purpose: 'read' | 'change' = 'read'): Promise<ClaimEntity | null> {
    if (owner === null || owner === undefined) return this.findById(id);
    const cond = purpose === 'read' ? readableBy(2) : ownedBy(2);
    return (await this.q(`SELECT ${COLUMNS} FROM claims WHERE id = $1 AND ${cond}`, [id, owner]))[0] ?? null;
  }

  async findByPayout(payoutId: string): Promise<ClaimEntity[]> {
    return this.q(`SELECT ${COLUMNS} FROM claims WHERE payout_id = $1 ORDER BY created_at, id`, [payoutId]);
  }

  /** Newest first; each row also carries `cursorAt`, its created_at at full (microsecond) precision. */
  async list(f: ListFilter): Promise<(ClaimEntity & { cursorAt: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.owner !== null && f.owner !== undefined) where.push(readableBy(params.push(f.owner)));
    if (f.wallet) where.push(`wallet = $${params.push(f.wallet)}`);
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.after) {
      const a = params.push(f.after.createdAt);
      const b = params.push(f.after.id);
      where.push(`(created_at, id) < ($${a}::timestamptz, $${b}::uuid)`);
    }
    const limit = params.push(f.limit);
    return this.q(
      `SELECT ${COLUMNS}, ${cursorAtSql('created_at')} AS "cursorAt"
         FROM claims ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${limit}`,
      params,
    );
  }

  /**
   * One keyset page of the claims export, oldest first by (created_at, id), after `after`: created_at in
   * [from, to), visible to `owner` exactly as GET /v1/claims shows it. The claim's payout gives the block and
   * the gas; the payout's claim count and this claim's rank among its ids let the caller split the gas so
   * that the shares of one payout sum exactly to it.
   */
  async exportPage(f: ExportFilter, after: SweepKey | null, limit: number): Promise<ClaimExportRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.owner !== null) where.push(readableBy(params.push(f.owner)));
    if (f.from !== null) where.push(`claims.created_at >= $${params.push(f.from)}::timestamptz`);
    if (f.to !== null) where.push(`claims.created_at < $${params.push(f.to)}::timestamptz`);
    if (f.program) where.push(`claims.program_id = $${params.push(f.program)}::uuid`);
    if (after) where.push(`(claims.created_at, claims.id) > ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::uuid)`);
    return this.q<ClaimExportRow>(
      `SELECT claims.id, claims.wallet, claims.token, claims.amount_base::text AS "amountBase", claims.decimals, claims.reason,
              claims.program_id::text AS program, claims.status, claims.tx_hash AS "txHash",
              p.block_number::text AS "blockNumber", (p.gas_used * p.effective_gas_price)::text AS "payoutGas",
              cardinality(p.claim_ids) AS "payoutClaims",
              (SELECT count(*)::int FROM unnest(p.claim_ids) AS other(id) WHERE other.id < claims.id) AS "payoutRank",
              claims.created_at AS "createdAt", claims.processed_at AS "processedAt", ${cursorAtSql('claims.created_at')} AS at
         FROM claims LEFT JOIN payouts p ON p.id = claims.payout_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY claims.created_at, claims.id LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /**
   * The one guarded state change: moves the claim to `to` only from a status the state machine allows
   * (and, with `leaseOwner`, only while this owner holds it; with `chainId`, only a claim of that chain).
   * Returns the claims moved with their old status.
   */
  /**
   * Up to `limit` committed pending claims of one token on one chain, oldest first, locked for the caller's
   * transaction; rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED), never waited on.
   * Claims that may only go out alone (max_batch 1) are left to their own job, and so are claims whose job
   * spent its attempts (`attempts` counts leases): those are dead-lettered, an operator's to retry. A claim to a
   * denied wallet is never taken (its own job holds it before signing).
   */
  async takePending(chainId: number, token: string, excludeId: string, limit: number, maxAttempts: number): Promise<ClaimEntity[]> {
    if (limit <= 0) return [];
    return this.q<ClaimEntity>(
      `SELECT ${COLUMNS} FROM claims
        WHERE status = 'pending' AND chain_id = $1 AND token = $2 AND id <> $3 AND (max_batch IS NULL OR max_batch > 1) AND attempts < $5
          AND NOT EXISTS (SELECT 1 FROM denylist d WHERE d.address = claims.wallet)
        ORDER BY created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
      [chainId, token, excludeId, limit, maxAttempts],
    );
  }

  /** Caps the batch size of these claims (never raises an existing cap). */
  async capBatch(ids: string[], maxBatch: number): Promise<void> {
    await this.q(`UPDATE claims SET max_batch = least(coalesce(max_batch, $2), $2) WHERE id = ANY($1::uuid[])`, [ids, maxBatch]);
  }

  async transition(
    ids: string[],
    to: ClaimStatus,
    set: Partial<Record<'lease_owner' | 'lease_until' | 'tx_hash' | 'payout_id' | 'last_error' | 'processed_at', unknown>> & {
      attemptsIncrement?: boolean;
    } = {},
    guard: { from?: ClaimStatus[]; leaseOwner?: string; leaseExpiredOrPending?: boolean; chainId?: number } = {},
  ): Promise<{ id: string; from: ClaimStatus }[]> {
    const params: unknown[] = [ids, to];
    const sets = [`status = $2`, `updated_at = clock_timestamp()`];
    const { attemptsIncrement, ...cols } = set;
    for (const [col, value] of Object.entries(cols)) {
      if (value === 'now()') sets.push(`${col} = clock_timestamp()`);
      else sets.push(`${col} = $${params.push(value)}`);
    }
    if (attemptsIncrement) sets.push('attempts = attempts + 1');
    const from = guard.from ?? allowedFrom(to);
    const conds = [`c.id = ANY($1::uuid[])`, `c.status = ANY($${params.push(from)}::text[])`];
    if (guard.leaseOwner) conds.push(`c.lease_owner = $${params.push(guard.leaseOwner)}`);
    if (guard.leaseExpiredOrPending) conds.push(`(c.status = 'pending' OR c.lease_until < clock_timestamp())`);
    if (guard.chainId !== undefined) conds.push(`c.chain_id = $${params.push(guard.chainId)}`);
    return this.q(
      `UPDATE claims c SET ${sets.join(', ')}
         FROM (SELECT id, status FROM claims WHERE id = ANY($1::uuid[]) FOR UPDATE) old
        WHERE c.id = old.id AND ${conds.join(' AND ')}
        RETURNING c.id, old.status AS "from"`,
      params,
    );
  }

  async appendEvents(
    events: { claimId: string; from: string | null; to: string; actor: string; detail?: Record<string, unknown> }[],
  ): Promise<void> {
    if (events.length === 0) return;
    // five array parameters however many events (a batch of 200 claims writes 400): one short statement to parse
    await this.q(
      `INSERT INTO claim_events (claim_id, from_status, to_status, actor, detail)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
      [
        events.map((e) => e.claimId),
        events.map((e) => e.from),
        events.map((e) => e.to),
        events.map((e) => e.actor),
        events.map((e) => JSON.stringify(e.detail ?? {})),
      ],
    );
  }

  /** Oldest first: ordered by the bigserial itself (`ORDER BY id` would sort the text column `id::text`: "100" < "99"). */
  async events(claimId: string): Promise<ClaimEventEntity[]> {
    return this.q(
      `SELECT id::text, claim_id AS "claimId", at, from_status AS "fromStatus", to_status AS "toStatus", actor, detail
         FROM claim_events e WHERE claim_id = $1 ORDER BY e.id`,
      [claimId],
    );
  }

  /**
   * One page of the committed pending claims of `chainId` older than `olderThanSec`, oldest first, after
   * `after` (keyset on (created_at, id)), for the outbox sweeper.
   */
  async stalePending(chainId: number, olderThanSec: number, limit: number, after: SweepKey | null): Promise<SweepKey[]> {
    const params: unknown[] = [chainId, olderThanSec, limit];
    const from = after ? `AND (created_at, id) > ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::uuid)` : '';
    return this.q<SweepKey>(
      `SELECT id, ${cursorAtSql('created_at')} AS at FROM claims
        WHERE status = 'pending' AND chain_id = $1 AND created_at < clock_timestamp() - make_interval(secs => $2) ${from}
        ORDER BY created_at, id LIMIT $3`,
      params,
    );
  }

  /** One page of the processing claims of `chainId` whose lease has expired (their worker died), after `after`. */
  async expiredLeases(chainId: number, limit: number, after: SweepKey | null): Promise<SweepKey[]> {
    const params: unknown[] = [chainId, limit];
    const from = after ? `AND (lease_until, id) > ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::uuid)` : '';
    return this.q<SweepKey>(
      `SELECT id, ${cursorAtSql('lease_until')} AS at FROM claims
        WHERE status = 'processing' AND chain_id = $1 AND lease_until < clock_timestamp() ${from}
        ORDER BY lease_until, id LIMIT $2`,
      params,
    );
  }

  /** How many of `ids` are pending claims of `chainId` (ids that are not UUIDs are no claim's). */
  async countPending(chainId: number, candidates: string[]): Promise<number> {
    const ids = candidates.filter((id) => UUID_RE.test(id));
    if (ids.length === 0) return 0;
    const rows = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM claims WHERE id = ANY($2::uuid[]) AND status = 'pending' AND chain_id = $1`,
      [chainId, ids],
    );
    return rows[0]!.n;
  }

  /** Claims without a chain (created before claims had one) become `chainId`'s. Returns how many. */
  async adoptUnscoped(chainId: number): Promise<number> {
    const rows = await this.q<{ id: string }>(`UPDATE claims SET chain_id = $1 WHERE chain_id IS NULL RETURNING id`, [chainId]);
    return rows.length;
  }

  /**
   * Money of `token` signed on `chainId` in the last 24 h (API.md "Treasury controls": LIMIT_PER_DAY and
   * LIMIT_PER_WALLET_DAY count committed money): the claims submitted or completed whose current payout was
   * stored in the window, in base units; in total, and for each of `wallets`. A claim requeued off a payout that
   * never mined no longer counts there (its new payout counts it once); a failed claim paid nothing.
   */
  async signedInWindow(chainId: number, token: string, wallets: string[]): Promise<{ total: bigint; byWallet: Map<string, bigint> }> {
    const rows = await this.q<{ wallet: string | null; used: string }>(
      `SELECT CASE WHEN c.wallet = ANY($3::text[]) THEN c.wallet END AS wallet, sum(c.amount_base)::text AS used
         FROM payouts p JOIN claims c ON c.payout_id = p.id
        WHERE p.chain_id = $1 AND p.token = $2 AND p.created_at > clock_timestamp() - interval '24 hours'
          AND c.status IN ('submitted','completed')
        GROUP BY 1`,
      [chainId, token, wallets],
    );
    let total = 0n;
    const byWallet = new Map<string, bigint>();
    for (const r of rows) {
      total += BigInt(r.used);
      if (r.wallet !== null) byWallet.set(r.wallet, BigInt(r.used));
    }
    return { total, byWallet };
  }

  /** The open claims (pending, or processing: leased, not signed) to these wallets. */
  async openToWallets(wallets: string[]): Promise<string[]> {
    if (wallets.length === 0) return [];
    const rows = await this.q<{ id: string }>(
      `SELECT id FROM claims WHERE wallet = ANY($1::text[]) AND status IN ('pending','processing') ORDER BY id`,
      [wallets],
    );
    return rows.map((r) => r.id);
  }

  async noteError(ids: string[], error: string): Promise<void> {
    await this.q(`UPDATE claims SET last_error = $2, updated_at = clock_timestamp() WHERE id = ANY($1::uuid[])`, [ids, error]);
  }
}
