import { Posting, transfer } from './domain/accounts';
import { LedgerService } from './ledger.service';
import type { LedgerRepository } from './persistence/ledger.repository';

/** An in-memory journal store behind the ledger port. */
function ledger() {
  const journals = new Map<string, Posting[]>();
  const repo = {
    insertJournal: async (id: string, _kind: string, _ref: string | null, postings: Posting[]) => {
      if (journals.has(id)) return false;
      journals.set(id, postings);
      return true;
    },
    postingsOf: async (ids: string[]) => ids.flatMap((id) => journals.get(id) ?? []),
  } as unknown as LedgerRepository;
  return { service: new LedgerService(repo), journals };
}

describe('LedgerService', () => {
  it('an empty journal (a payout that carries no claim) is skipped, not an error', async () => {
    const { service, journals } = ledger();
    await expect(service.post('payout:p:settle', 'payout.settled', 'p', [])).resolves.toBe(false);
    await expect(service.post('payout:p:settle', 'payout.settled', 'p', transfer('a', 'b', 'ETH', 0n))).resolves.toBe(false);
    expect(journals.size).toBe(0);
  });

  it('reversing journals that do not exist (an approve has no settlement journal) posts nothing and does not throw', async () => {
    const { service, journals } = ledger();
    await expect(service.reverse(['payout:p:settle', 'payout:p:gas'], 'payout:p:reorg:0', 'payout.reorged', 'p')).resolves.toBe(false);
    expect(journals.size).toBe(0);
  });

  it('reverses the journals that exist and skips the missing ones', async () => {
    const { service, journals } = ledger();
    await service.post('payout:p:gas', 'payout.gas', 'p', transfer('expense:gas:ETH', 'treasury:ETH', 'ETH', 7n));
    await expect(service.reverse(['payout:p:settle', 'payout:p:gas'], 'payout:p:reorg:0', 'payout.reorged', 'p')).resolves.toBe(true);
    expect(journals.get('payout:p:reorg:0')).toEqual([
      { account: 'expense:gas:ETH', currency: 'ETH', amount: -7n },
      { account: 'treasury:ETH', currency: 'ETH', amount: 7n },
    ]);
    await expect(service.reverse(['payout:p:settle', 'payout:p:gas'], 'payout:p:reorg:0', 'payout.reorged', 'p')).resolves.toBe(false);
  });
});
