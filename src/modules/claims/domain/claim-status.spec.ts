import { allowedFrom, canTransition, CLAIM_STATUSES, ClaimStatus, isTerminal } from './claim-status';

describe('claim state machine', () => {
  it('lists exactly the six API.md statuses', () => {
    expect([...CLAIM_STATUSES].sort()).toEqual(['cancelled', 'completed', 'failed', 'pending', 'processing', 'submitted']);
  });

  it.each<[ClaimStatus, ClaimStatus]>([
    ['pending', 'processing'],
    ['pending', 'cancelled'],
    ['processing', 'submitted'],
    ['processing', 'failed'],
    ['submitted', 'completed'],
    ['submitted', 'failed'],
    // only on proof that the payout's nonce went to a foreign transaction (ARCHITECTURE §1.6)
    ['submitted', 'pending'],
    // only when a reorg removes the payout's block before it is final
    ['completed', 'submitted'],
  ])('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each<[ClaimStatus, ClaimStatus]>([
    ['pending', 'completed'],
    ['pending', 'submitted'],
    ['submitted', 'cancelled'],
    ['submitted', 'processing'],
    ['processing', 'cancelled'],
    ['processing', 'completed'],
  ])('forbids %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it.each<ClaimStatus>(['failed', 'cancelled'])('%s cannot move anywhere', (from) => {
    for (const to of CLAIM_STATUSES) expect(canTransition(from, to)).toBe(false);
  });

  it('completed moves only back to submitted (a reorg before finality)', () => {
    expect(CLAIM_STATUSES.filter((to) => canTransition('completed', to))).toEqual(['submitted']);
  });

  it('cancelled is reachable only from pending', () => {
    expect(allowedFrom('cancelled')).toEqual(['pending']);
  });

  it('completed is reachable only from submitted', () => {
    expect(allowedFrom('completed')).toEqual(['submitted']);
  });

  it('submitted is reachable only from processing, or from completed on a reorg', () => {
    expect(allowedFrom('submitted')).toEqual(['processing', 'completed']);
  });

  it('only a released lease or a payout whose nonce went to a foreign transaction moves back to pending', () => {
    expect(allowedFrom('pending')).toEqual(['processing', 'submitted']);
  });

  it('terminal statuses are exactly failed and cancelled (completed can be reorged until final)', () => {
    expect(CLAIM_STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'failed']);
    expect(isTerminal('pending')).toBe(false);
    expect(isTerminal('processing')).toBe(false);
    expect(isTerminal('submitted')).toBe(false);
  });
});
