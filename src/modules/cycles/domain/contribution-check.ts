import { UUID_RE } from '../../../platform/http/ids';
import { getAddress } from 'ethers';
import { formatAmount, MoneyError, parseAmount } from '../../claims/domain/money';

/** What a `contribution.settled` event claims happened: `data: {groupId, cycle, wallet, amount, token}`. */
export interface ContributionClaim {
  groupId: string;
  cycle: number;
  /** checksummed */
  wallet: string;
  amount: string;
  token: string;
}

/** The group's terms a contribution must match. */
export interface GroupTerms {
  id: string;
  token: string;
  decimals: number;
  contributionBase: bigint;
  currentCycle: number;
  /** checksummed, in payout order */
  members: string[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Shape of the event's `data`; a failure reason names the field. Pure. */
export function parseContributionData(data: unknown): Checked<ContributionClaim> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'data must be an object' };
  const d = data as Record<string, unknown>;
  if (typeof d.groupId !== 'string' || !UUID_RE.test(d.groupId)) return { ok: false, reason: 'data.groupId must be a group id (uuid)' };
  if (typeof d.cycle !== 'number' || !Number.isInteger(d.cycle) || d.cycle < 1 || d.cycle > 1_000_000) {
    return { ok: false, reason: 'data.cycle must be an integer >= 1' };
  }
  if (typeof d.wallet !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(d.wallet)) return { ok: false, reason: 'data.wallet must be a 0x address' };
  if (typeof d.amount !== 'string') return { ok: false, reason: 'data.amount must be a decimal string' };
  if (typeof d.token !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(d.token)) return { ok: false, reason: 'data.token must be a token symbol' };
  return {
    ok: true,
    value: { groupId: d.groupId.toLowerCase(), cycle: d.cycle, wallet: getAddress(d.wallet.toLowerCase()), amount: d.amount, token: d.token },
  };
}

/**
 * Whether the contribution matches the group: token, exact amount, membership, current cycle (in that
 * order). Returns the amount in base units, or the reason it is rejected. Pure.
 */
export function checkContribution(group: GroupTerms, c: ContributionClaim): Checked<bigint> {
  if (c.token.toUpperCase() !== group.token) {
    return { ok: false, reason: `token ${c.token} does not match the group's token ${group.token}` };
  }
  const expected = formatAmount(group.contributionBase, group.decimals);
  let base: bigint;
  try {
    base = parseAmount(c.amount, group.decimals);
  } catch (err) {
    if (err instanceof MoneyError) return { ok: false, reason: `amount "${c.amount.slice(0, 40)}" ${err.message}; the contribution is ${expected} ${group.token}` };
    throw err;
  }
  if (base !== group.contributionBase) {
    return { ok: false, reason: `amount ${c.amount} does not match the group's contribution amount ${expected} ${group.token}` };
  }
  if (!group.members.includes(c.wallet)) return { ok: false, reason: `wallet ${c.wallet} is not a member of group ${group.id}` };
  if (c.cycle !== group.currentCycle) {
    return { ok: false, reason: `cycle ${c.cycle} is not the group's current cycle ${group.currentCycle}` };
  }
  return { ok: true, value: base };
}

/** Cycle N pays members[(N-1) mod members.length]. */
export function recipientOf(members: string[], cycle: number): string {
  return members[(cycle - 1) % members.length]!;
}
