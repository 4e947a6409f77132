/** Chart of accounts (API.md "Payouts and ledger"). balance = debits - credits. */
export const Accounts = {
  treasury: (token: string) => `treasury:${token}`,
  funding: (token: string) => `equity:funding:${token}`,
  payable: (wallet: string, token: string) => `payable:${wallet}:${token}`,
  rewards: (token: string) => `expense:rewards:${token}`,
  gas: () => 'expense:gas:ETH',
  group: (groupId: string, token: string) => `group:${groupId}:${token}`,
  external: (provider: string, token: string) => `external:${provider}:${token}`,
  /** a program's budget (API.md "Programs"): credited when funded, debited by each claim it pays for */
  program: (programId: string, token: string) => `program:${programId}:${token}`,
};

/** One side of a journal: positive amount = debit, negative = credit. */
export interface Posting {
  account: string;
  currency: string;
  amount: bigint;
}

/** A debit of `account` and a credit of `against` for the same amount. */
export function transfer(debit: string, credit: string, currency: string, amount: bigint): Posting[] {
  return [
    { account: debit, currency, amount },
    { account: credit, currency, amount: -amount },
  ];
}

export function assertBalanced(postings: Posting[]): void {
  const sums = new Map<string, bigint>();
  for (const p of postings) sums.set(p.currency, (sums.get(p.currency) ?? 0n) + p.amount);
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new Error(`journal does not balance in ${currency} (off by ${sum})`);
  }
}
