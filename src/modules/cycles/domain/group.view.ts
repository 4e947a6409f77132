import { formatAmount } from '../../claims/domain/money';
import type { CycleContributionEntity, SavingsGroupEntity } from '../persistence/cycles.entity';
import type { CyclePayoutRow } from '../persistence/cycles.repository';
import { recipientOf } from './contribution-check';

export interface ContributionView {
  wallet: string;
  amount: string;
  amountBase: string;
  provider: string;
  at: string;
}

export interface PastCycleView {
  cycle: number;
  wallet: string;
  amount: string;
  amountBase: string;
  /** the claim paying this cycle: the original, or an admin's repay of it */
  claimId: string;
  /** that claim's status: a `failed` or `cancelled` one is the admin's to repay (POST /v1/admin/groups/:id/cycles/:n/repay) */
  claimStatus: string;
  /** failed or cancelled claims a repay replaced, oldest first */
  previousClaimIds: string[];
  completedAt: string;
}

/** A savings group as API.md shows it (`GET /v1/groups/:id`). */
export interface GroupView {
  id: string;
  name: string;
  token: string;
  contributionAmount: string;
  contributionAmountBase: string;
  members: string[];
  currentCycle: number;
  /**
   * `collecting` while the current cycle waits for contributions (a complete cycle advances at once);
   * `due` when every member has paid but the cycle has not completed: for a moment, or, if it stays so,
   * its completion is failing (logged; README runbook "A cycle that does not complete").
   */
  cycleStatus: 'collecting' | 'due';
  /** who the current cycle pays, and how much, once every member has contributed */
  currentRecipient: string;
  potAmount: string;
  contributionsReceived: number;
  contributionsExpected: number;
  contributions: ContributionView[];
  pastCycles: PastCycleView[];
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toGroupView(
  g: SavingsGroupEntity,
  members: string[],
  contributions: CycleContributionEntity[],
  payouts: CyclePayoutRow[],
): GroupView {
  const base = BigInt(g.contributionBase);
  return {
    id: g.id,
    name: g.name,
    token: g.token,
    contributionAmount: formatAmount(base, g.decimals),
    contributionAmountBase: base.toString(),
    members,
    currentCycle: g.currentCycle,
    cycleStatus: contributions.length >= g.memberCount ? 'due' : 'collecting',
    currentRecipient: recipientOf(members, g.currentCycle),
    potAmount: formatAmount(base * BigInt(members.length), g.decimals),
    contributionsReceived: contributions.length,
    contributionsExpected: g.memberCount,
    contributions: contributions.map((c) => ({
      wallet: c.wallet,
      amount: formatAmount(c.amountBase, g.decimals),
      amountBase: c.amountBase,
      provider: c.provider,
      at: iso(c.createdAt),
    })),
    pastCycles: payouts.map((p) => ({
      cycle: p.cycleNumber,
      wallet: p.wallet,
      amount: formatAmount(p.amountBase, g.decimals),
      amountBase: p.amountBase,
      claimId: p.claimId,
      claimStatus: p.claimStatus,
      previousClaimIds: p.previousClaimIds,
      completedAt: iso(p.createdAt),
    })),
    createdAt: iso(g.createdAt),
    updatedAt: iso(g.updatedAt),
  };
}
