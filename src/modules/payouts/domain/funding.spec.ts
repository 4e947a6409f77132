import { assertBalanced } from '../../ledger/domain/accounts';
import { fundingBlock, fundingEntry, fundingJournalId, fundingJournalPrefixes } from './funding';

const SIGNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const at = (onChain: bigint, booked: bigint, token = 'USDC') => fundingEntry({ chainId: 31337, signer: SIGNER, token, block: 120, onChain, booked });

describe('funding from the chain', () => {
  it('reads CONFIRMATIONS below head, never below block 0', () => {
    expect(fundingBlock(100, 1)).toBe(99);
    expect(fundingBlock(100, 12)).toBe(88);
    expect(fundingBlock(3, 12)).toBe(0);
  });

  it('books nothing when chain and books agree at B', () => {
    expect(at(5_000_000n, 5_000_000n)).toBeNull();
  });

  it('books the excess as a top-up: debit treasury, credit equity:funding', () => {
    const e = at(7_500_000n, 5_000_000n)!;
    expect(e).toEqual({
      journalId: `funding:31337:${SIGNER}:USDC:120`,
      kind: 'funding.topup',
      delta: 2_500_000n,
      postings: [
        { account: 'treasury:USDC', currency: 'USDC', amount: 2_500_000n },
        { account: 'equity:funding:USDC', currency: 'USDC', amount: -2_500_000n },
      ],
    });
    expect(() => assertBalanced(e.postings)).not.toThrow();
  });

  it('books a shortfall as a withdrawal: debit equity:funding, credit treasury', () => {
    const e = at(10n ** 18n - 21_000n * 10n ** 9n, 10n ** 18n, 'ETH')!;
    expect(e.kind).toBe('funding.withdrawal');
    expect(e.delta).toBe(-(21_000n * 10n ** 9n));
    expect(e.postings).toEqual([
      { account: 'equity:funding:ETH', currency: 'ETH', amount: 21_000n * 10n ** 9n },
      { account: 'treasury:ETH', currency: 'ETH', amount: -(21_000n * 10n ** 9n) },
    ]);
  });

  it('brings treasury from the books to the chain exactly, also from an empty ledger (the opening) or a negative one', () => {
    for (const [onChain, booked] of [[0n, 0n], [1_000n, 0n], [0n, 1_000n], [3n, -4n], [2n ** 200n, 1n]] as [bigint, bigint][]) {
      const e = at(onChain, booked);
      const treasuryMove = e?.postings.find((p) => p.account === 'treasury:USDC')?.amount ?? 0n;
      expect(booked + treasuryMove).toBe(onChain);
    }
  });

  it('one journal id per (chain, signer, token, block), the same for both directions', () => {
    expect(at(1n, 0n)!.journalId).toBe(at(0n, 1n)!.journalId);
    expect(fundingJournalId(1337, SIGNER, 'USDC', 120)).not.toBe(fundingJournalId(31337, SIGNER, 'USDC', 120));
    expect(fundingJournalId(31337, SIGNER, 'USDC', 121)).not.toBe(fundingJournalId(31337, SIGNER, 'USDC', 120));
    for (const id of [fundingJournalId(31337, SIGNER, 'ETH', 7), `funding:opening:31337:${SIGNER}:ETH`]) {
      expect(fundingJournalPrefixes(31337, SIGNER).some((p) => id.startsWith(p))).toBe(true);
      expect(fundingJournalPrefixes(1337, SIGNER).some((p) => id.startsWith(p))).toBe(false);
    }
  });
});
