import { isUniqueViolation } from './cycles.repository';

describe('isUniqueViolation', () => {
  const pg = { code: '23505', constraint: 'cycle_payouts_one_per_cycle' };

  it('recognises a pg error and a TypeORM QueryFailedError (driverError)', () => {
    expect(isUniqueViolation(pg)).toBe(true);
    expect(isUniqueViolation({ driverError: pg })).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('duplicate key'), { driverError: pg }), 'cycle_payouts_one_per_cycle')).toBe(true);
  });

  it('is specific to the named constraint and to code 23505', () => {
    expect(isUniqueViolation(pg, 'claims_idempo_key_unique')).toBe(false);
    expect(isUniqueViolation({ code: '40P01', constraint: 'cycle_payouts_one_per_cycle' })).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
