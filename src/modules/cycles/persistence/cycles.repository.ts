import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';
import { CycleContributionEntity, CyclePayoutEntity, SavingsGroupEntity } from './cycles.entity';

const GROUP = `id, name, token, decimals, contribution_base::text AS "contributionBase", member_count AS "memberCount",
  current_cycle AS "currentCycle", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;
const CONTRIBUTION = `id, group_id AS "groupId", cycle_number AS "cycleNumber", wallet, amount_base::text AS "amountBase",
  provider, source_event AS "sourceEvent", created_at AS "createdAt"`;
const PAYOUT = `p.group_id AS "groupId", p.cycle_number AS "cycleNumber", p.wallet, p.amount_base::text AS "amountBase",
  p.claim_id AS "claimId", p.completed_by AS "completedBy", p.created_at AS "createdAt", p.previous_claim_ids::text[] AS "previousClaimIds",
  c.status AS "claimStatus"`;

/** A cycle payout with the status of its current claim (read from `claims`, the claims module's table). */
export type CyclePayoutRow = CyclePayoutEntity & { claimStatus: string };

export interface NewGroup {
  name: string;
  token: string;
  decimals: number;
  contributionBase: bigint;
  members: string[];
  createdBy: string;
}

/** True when `err` is Postgres' unique violation (23505), optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

/** Every question and change the cycles domain asks of its tables, in the current (CLS) transaction. */
@Injectable()
export class CyclesRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  async insertGroup(g: NewGroup): Promise<string> {
    const [row] = await this.q<{ id: string }>(
      `INSERT INTO savings_groups (name, token, decimals, contribution_base, member_count, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [g.name, g.token, g.decimals, g.contributionBase.toString(), g.members.length, g.createdBy],
    );
    await this.q(
      `INSERT INTO group_members (group_id, position, wallet)
       SELECT $1, m.ord - 1, m.wallet FROM unnest($2::text[]) WITH ORDINALITY AS m(wallet, ord)`,
      [row!.id, g.members],
    );
    return row!.id;
  }

  async findGroup(id: string): Promise<SavingsGroupEntity | null> {
    return (await this.q<SavingsGroupEntity>(`SELECT ${GROUP} FROM savings_groups WHERE id = $1`, [id]))[0] ?? null;
  }

  /**
   * The group under a share lock: a contribution waits for a completion that holds the row (FOR UPDATE)
   * and then sees the advanced cycle; a completion waits for contributions in flight.
   */
  /** The group if `owner` created it (null owner: an admin, any group). */
  async findVisibleGroup(id: string, owner: string | null | undefined): Promise<SavingsGroupEntity | null> {
    if (owner === null || owner === undefined) return this.findGroup(id);
    return (await this.q<SavingsGroupEntity>(`SELECT ${GROUP} FROM savings_groups WHERE id = $1 AND created_by = $2`, [id, owner]))[0] ?? null;
  }

  async findGroupForShare(id: string): Promise<SavingsGroupEntity | null> {
    return (await this.q<SavingsGroupEntity>(`SELECT ${GROUP} FROM savings_groups WHERE id = $1 FOR SHARE`, [id]))[0] ?? null;
  }

  /** Takes the group's row lock for the rest of the transaction. False if there is no such group. */
  async lockGroupRow(id: string): Promise<boolean> {
    return (await this.q(`SELECT id FROM savings_groups WHERE id = $1 FOR UPDATE`, [id])).length === 1;
  }

  /** Members in payout order (checksummed wallets). */
  async members(groupId: string): Promise<string[]> {
    const rows = await this.q<{ wallet: string }>(`SELECT wallet FROM group_members WHERE group_id = $1 ORDER BY position`, [groupId]);
    return rows.map((r) => r.wallet);
  }

  async countContributions(groupId: string, cycle: number): Promise<number> {
    const [row] = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM cycle_contributions WHERE group_id = $1 AND cycle_number = $2`,
      [groupId, cycle],
    );
    return row!.n;
  }

  /** One contribution per (group, cycle, member): null when this member already contributed to the cycle. */
  async insertContribution(c: {
    groupId: string;
    cycle: number;
    wallet: string;
    amountBase: bigint;
    provider: string;
    sourceEvent: string;
  }): Promise<string | null> {
    const rows = await this.q<{ id: string }>(
      `INSERT INTO cycle_contributions (group_id, cycle_number, wallet, amount_base, provider, source_event)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ON CONSTRAINT cycle_contributions_one_per_member DO NOTHING RETURNING id`,
      [c.groupId, c.cycle, c.wallet, c.amountBase.toString(), c.provider, c.sourceEvent],
    );
    return rows[0]?.id ?? null;
  }

  async contributions(groupId: string, cycle: number): Promise<CycleContributionEntity[]> {
    return this.q<CycleContributionEntity>(
      `SELECT ${CONTRIBUTION} FROM cycle_contributions WHERE group_id = $1 AND cycle_number = $2 ORDER BY created_at, id`,
      [groupId, cycle],
    );
  }

  /**
   * A plain INSERT on purpose: a second payout for the same (group, cycle) is a unique violation
   * (cycle_payouts_one_per_cycle) that rolls the whole completion back.
   */
  async insertPayout(p: { groupId: string; cycle: number; wallet: string; amountBase: bigint; claimId: string; completedBy: string }): Promise<void> {
    await this.q(
      `INSERT INTO cycle_payouts (group_id, cycle_number, wallet, amount_base, claim_id, completed_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.groupId, p.cycle, p.wallet, p.amountBase.toString(), p.claimId, p.completedBy],
    );
  }

  /** cycle -> cycle + 1, only from `cycle`. Returns whether it moved. */
  async advance(groupId: string, cycle: number): Promise<boolean> {
    const rows = await this.q(
      `UPDATE savings_groups SET current_cycle = current_cycle + 1, updated_at = clock_timestamp()
        WHERE id = $1 AND current_cycle = $2 RETURNING id`,
      [groupId, cycle],
    );
    return rows.length === 1;
  }

  async payouts(groupId: string): Promise<CyclePayoutRow[]> {
    return this.q<CyclePayoutRow>(
      `SELECT ${PAYOUT} FROM cycle_payouts p JOIN claims c ON c.id = p.claim_id WHERE p.group_id = $1 ORDER BY p.cycle_number`,
      [groupId],
    );
  }

  /**
   * One cycle's payout row, locked for the rest of the transaction (an admin repay), with its claim's
   * status. `failed` and `cancelled` are terminal, so the status read here cannot change under us.
   */
  async payoutForUpdate(groupId: string, cycle: number): Promise<CyclePayoutRow | null> {
    const rows = await this.q<CyclePayoutRow>(
      `SELECT ${PAYOUT} FROM cycle_payouts p JOIN claims c ON c.id = p.claim_id
        WHERE p.group_id = $1 AND p.cycle_number = $2 FOR UPDATE OF p`,
      [groupId, cycle],
    );
    return rows[0] ?? null;
  }

  /** Points the cycle's payout at `claimId`, keeping the claim it replaces in `previous_claim_ids`. */
  async replacePayoutClaim(groupId: string, cycle: number, fromClaimId: string, toClaimId: string): Promise<void> {
    const rows = await this.q(
      `UPDATE cycle_payouts SET claim_id = $4, previous_claim_ids = previous_claim_ids || $3::uuid
        WHERE group_id = $1 AND cycle_number = $2 AND claim_id = $3 RETURNING claim_id`,
      [groupId, cycle, fromClaimId, toClaimId],
    );
    if (rows.length !== 1) throw new Error(`cycle ${cycle} of group ${groupId} no longer points at claim ${fromClaimId}`);
  }

  /**
   * Groups whose current cycle has every contribution but was not completed (e.g. a crash in between), in
   * id order after `after`: the caller pages through all of them, so groups whose completion keeps failing
   * (CYCLE.PAYOUT_CLAIM_CONFLICT) never hide the others.
   */
  async dueGroups(limit: number, after: string | null = null): Promise<string[]> {
    const rows = await this.q<{ id: string }>(
      `SELECT g.id FROM savings_groups g
        WHERE ($2::uuid IS NULL OR g.id > $2::uuid)
          AND (SELECT count(*) FROM cycle_contributions c WHERE c.group_id = g.id AND c.cycle_number = g.current_cycle) >= g.member_count
        ORDER BY g.id LIMIT $1`,
      [limit, after],
    );
    return rows.map((r) => r.id);
  }
}
