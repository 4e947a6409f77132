import { reservedReasonError } from './reserved-reason';

describe('reserved reasons', () => {
  it.each(['cycle:5738bfd7-1e16-41d4-b378-916b7c39de7a:1', 'cycle:', 'CYCLE:x', 'Cycle:anything'])('%s is reserved (names `reason`)', (reason) => {
    expect(reservedReasonError(reason)).toEqual({ field: 'reason', message: expect.stringContaining('reserved') });
  });

  it.each(['referral:1', 'recycle:1', ' cycle:1', 'cycles:1', 'cycle'])('%s is a client reason', (reason) => {
    expect(reservedReasonError(reason)).toBeNull();
  });
});
