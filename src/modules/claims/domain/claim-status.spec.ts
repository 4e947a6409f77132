import { allowedFrom, canTransition, CLAIM_STATUSES, ClaimStatus, isTerminal } from './claim-status';

describe('claim state machine', () => {
  it('lists exactly the seven API.md statuses', () => {
    expect([...CLAIM_STATUSES].sort()).toEqual(['cancelled', 'completed', 'failed', 'held', 'pending', 'processing', 'submitted']);
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
    // treasury controls: a wallet denied after intake (before signing), an admin's approval or rejection
    ['pending', 'held'],
    ['processing', 'held'],
    ['held', 'pending'],
    ['held', 'cancelled'],
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
    // a held claim is never leased or signed; a signed one is never held back
    ['held', 'processing'],
    ['held', 'submitted'],
    ['held', 'completed'],
    ['submitted', 'held'],
  ])('forbids %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it.each<ClaimStatus>(['failed', 'cancelled'])('%s cannot move anywhere', (from) => {
    for (const to of CLAIM_STATUSES) expect(canTransition(from, to)).toBe(false);
  });

  it('completed moves only back to submitted (a reorg before finality)', () => {
    expect(CLAIM_STATUSES.filter((to) => canTransition('completed', to))).toEqual(['submitted']);
  });

  it('cancelled is reachable only from pending or held', () => {
    expect(allowedFrom('cancelled')).toEqual(['pending', 'held']);
  });

  it('completed is reachable only from submitted', () => {
    expect(allowedFrom('completed')).toEqual(['submitted']);
  });

  it('submitted is reachable only from processing, or from completed on a reorg', () => {
    expect(allowedFrom('submitted')).toEqual(['processing', 'completed']);
  });

  it('only a released lease, an approval, or a payout whose nonce went to a foreign transaction moves to pending', () => {
    expect(allowedFrom('pending')).toEqual(['held', 'processing', 'submitted']);
  });

  it('terminal statuses are exactly failed and cancelled (completed can be reorged until final)', () => {
    expect(CLAIM_STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'failed']);
    expect(isTerminal('pending')).toBe(false);
    expect(isTerminal('processing')).toBe(false);
    expect(isTerminal('submitted')).toBe(false);
    expect(isTerminal('held')).toBe(false);
  });
});
