import { finalizedBlock, payoutAllowedFrom, payoutCanTransition } from './payout-status';

describe('payout state machine', () => {
  it('settles only from submitted, finalizes only confirmed payouts, and a reorg takes a settled one back', () => {
    expect(payoutAllowedFrom('confirmed')).toEqual(['submitted']);
    expect(payoutAllowedFrom('final')).toEqual(['confirmed']);
    expect(payoutAllowedFrom('submitted').sort()).toEqual(['confirmed', 'reverted']);
    expect(payoutCanTransition('final', 'submitted')).toBe(false);
    expect(payoutCanTransition('dropped', 'submitted')).toBe(false);
  });
});

describe('finalizedBlock', () => {
  it('FINALITY_DEPTH counts like confirmations: a block is final when head - block + 1 >= depth', () => {
    expect(finalizedBlock(100, 1, 4, null)).toBe(97);
  });
  it('is never shallower than CONFIRMATIONS, whatever the RPC or FINALITY_DEPTH say', () => {
    expect(finalizedBlock(100, 6, 2, null)).toBe(95);
    expect(finalizedBlock(100, 6, null, 100)).toBe(95); // a dev node calls its head finalized
  });
  it("uses the RPC's finalized block when FINALITY_DEPTH is unset, else 64 blocks", () => {
    expect(finalizedBlock(1000, 1, null, 900)).toBe(900);
    expect(finalizedBlock(1000, 1, null, null)).toBe(937);
  });
});
