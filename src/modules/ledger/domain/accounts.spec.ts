import { Accounts, assertBalanced, Posting, transfer } from './accounts';

const WALLET = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('Accounts (API.md chart of accounts)', () => {
  it('names every account as API.md does', () => {
    expect(Accounts.treasury('USDC')).toBe('treasury:USDC');
    expect(Accounts.funding('USDC')).toBe('equity:funding:USDC');
    expect(Accounts.payable(WALLET, 'USDC')).toBe(`payable:${WALLET}:USDC`);
    expect(Accounts.rewards('USDC')).toBe('expense:rewards:USDC');
    expect(Accounts.gas()).toBe('expense:gas:ETH');
    expect(Accounts.group('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'USDC')).toBe('group:7c9e6679-7425-40de-944b-e07fc1f90ae7:USDC');
    expect(Accounts.external('stripe', 'USDC')).toBe('external:stripe:USDC');
    expect(Accounts.treasury('ETH')).toBe('treasury:ETH');
  });
});

describe('transfer', () => {
  it('debits the first account and credits the second for the same amount', () => {
    const postings = transfer('expense:rewards:USDC', 'treasury:USDC', 'USDC', 100000n);
    expect(postings).toEqual([
      { account: 'expense:rewards:USDC', currency: 'USDC', amount: 100000n },
      { account: 'treasury:USDC', currency: 'USDC', amount: -100000n },
    ]);
    expect(postings[0]!.amount + postings[1]!.amount).toBe(0n);
  });

  it('works beyond 2^53 without precision loss', () => {
    const big = 2n ** 256n - 1n;
    const [d, c] = transfer('treasury:ETH', 'equity:funding:ETH', 'ETH', big);
    expect(d!.amount).toBe(big);
    expect(c!.amount).toBe(-big);
    expect(() => assertBalanced([d!, c!])).not.toThrow();
  });
});

describe('assertBalanced', () => {
  it('passes on an empty journal', () => {
    expect(() => assertBalanced([])).not.toThrow();
  });

  it('passes on a balanced multi-currency journal (payout + gas)', () => {
    const journal: Posting[] = [
      ...transfer(Accounts.payable(WALLET, 'USDC'), Accounts.treasury('USDC'), 'USDC', 100000n),
      ...transfer(Accounts.gas(), Accounts.treasury('ETH'), 'ETH', 21000n * 1_000_000_000n),
    ];
    expect(() => assertBalanced(journal)).not.toThrow();
  });

  it('passes when one currency has more than two legs that net to zero', () => {
    expect(() =>
      assertBalanced([
        { account: 'treasury:USDC', currency: 'USDC', amount: -300n },
        { account: 'payable:a:USDC', currency: 'USDC', amount: 100n },
        { account: 'payable:b:USDC', currency: 'USDC', amount: 200n },
      ]),
    ).not.toThrow();
  });

  it('throws on a one-sided posting', () => {
    expect(() => assertBalanced([{ account: 'treasury:USDC', currency: 'USDC', amount: 1n }])).toThrow(/USDC/);
  });

  it('balanced in USDC but not in ETH -> throws naming ETH', () => {
    const journal: Posting[] = [
      ...transfer('expense:rewards:USDC', 'treasury:USDC', 'USDC', 100000n),
      { account: 'expense:gas:ETH', currency: 'ETH', amount: 21000n },
      { account: 'treasury:ETH', currency: 'ETH', amount: -20999n },
    ];
    expect(() => assertBalanced(journal)).toThrow(/ETH/);
    expect(() => assertBalanced(journal)).not.toThrow(/USDC/);
  });

  it('does not net one currency against another', () => {
    // +100 USDC and -100 ETH sum to zero overall but balance in neither currency
    expect(() =>
      assertBalanced([
        { account: 'treasury:USDC', currency: 'USDC', amount: 100n },
        { account: 'treasury:ETH', currency: 'ETH', amount: -100n },
      ]),
    ).toThrow();
  });
});
