import { checkContribution, ContributionClaim, GroupTerms, parseContributionData, recipientOf } from './contribution-check';

const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const C = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const group: GroupTerms = {
  id: '6f1c2f0e-3a55-4b8e-9d43-2f4c1d0b9a77',
  token: 'USDC',
  decimals: 6,
  contributionBase: 2_500_000n,
  currentCycle: 2,
  members: [A, B, C],
};
const ok: ContributionClaim = { groupId: group.id, cycle: 2, wallet: B, amount: '2.5', token: 'USDC' };

describe('parseContributionData', () => {
  it('accepts the documented shape and checksums the wallet', () => {
    const r = parseContributionData({ groupId: group.id.toUpperCase(), cycle: 2, wallet: B.toLowerCase(), amount: '2.5', token: 'USDC' });
    expect(r).toEqual({ ok: true, value: { ...ok, groupId: group.id } });
  });

  it.each([
    [null, 'data must be an object'],
    [[], 'data must be an object'],
    [{ ...ok, groupId: 'nope' }, 'data.groupId'],
    [{ ...ok, cycle: '2' }, 'data.cycle'],
    [{ ...ok, cycle: 0 }, 'data.cycle'],
    [{ ...ok, cycle: 1.5 }, 'data.cycle'],
    [{ ...ok, wallet: '0x123' }, 'data.wallet'],
    [{ ...ok, amount: 2.5 }, 'data.amount'],
    [{ ...ok, token: 'US DC' }, 'data.token'],
  ])('rejects %j naming the field', (data, reason) => {
    const r = parseContributionData(data);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('checkContribution', () => {
  it('accepts a member paying the exact amount in the right token for the current cycle', () => {
    expect(checkContribution(group, ok)).toEqual({ ok: true, value: 2_500_000n });
    expect(checkContribution(group, { ...ok, amount: '2.500000', token: 'usdc' })).toEqual({ ok: true, value: 2_500_000n });
  });

  it.each([
    [{ token: 'ETH' }, "token ETH does not match the group's token USDC"],
    [{ amount: '2.4' }, "amount 2.4 does not match the group's contribution amount 2.5 USDC"],
    [{ amount: '25' }, 'does not match'],
    [{ amount: '2.5000001' }, 'has more than 6 decimals'],
    [{ amount: '-2.5' }, 'plain decimal string'],
    [{ wallet: '0x0000000000000000000000000000000000000001' }, 'is not a member'],
    [{ cycle: 1 }, "cycle 1 is not the group's current cycle 2"],
    [{ cycle: 3 }, "cycle 3 is not the group's current cycle 2"],
  ])('rejects %j', (change, reason) => {
    const r = checkContribution(group, { ...ok, ...change });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('recipientOf', () => {
  it('pays members in order, wrapping around', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => recipientOf([A, B, C], n))).toEqual([A, B, C, A, B, C, A]);
  });
});
