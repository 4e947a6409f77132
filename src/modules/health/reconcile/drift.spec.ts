import { computeDrift, nonceGap } from './drift';

describe('ledger drift', () => {
  const tokens = ['ETH', 'USDC'];

  it('is zero when chain and ledger agree and nothing is in flight', () => {
    expect(computeDrift({ tokens, chain: { ETH: 10n, USDC: 5n }, ledger: { ETH: 10n, USDC: 5n }, minedUnsettled: [], settledAfter: [] })).toEqual({
      ETH: 0n,
      USDC: 0n,
    });
  });

  it('is zero while a mined payout waits for its settlement journal', () => {
    // chain already paid 3 USDC and 2 wei of gas; the ledger has not posted it yet
    const d = computeDrift({
      tokens,
      chain: { ETH: 8n, USDC: 2n },
      ledger: { ETH: 10n, USDC: 5n },
      minedUnsettled: [{ token: 'USDC', amount: 3n, gas: 2n }],
      settledAfter: [],
    });
    expect(d).toEqual({ ETH: 0n, USDC: 0n });
  });

  it('is zero when the ledger already settled a payout mined after the chain read', () => {
    const d = computeDrift({
      tokens,
      chain: { ETH: 10n, USDC: 5n },
      ledger: { ETH: 9n, USDC: 1n },
      minedUnsettled: [],
      settledAfter: [{ token: 'USDC', amount: 4n, gas: 1n }],
    });
    expect(d).toEqual({ ETH: 0n, USDC: 0n });
  });

  it('counts an ETH payout as value plus gas, a reverted one as gas only', () => {
    const d = computeDrift({
      tokens,
      chain: { ETH: 100n - 7n - 1n - 2n, USDC: 5n },
      ledger: { ETH: 100n, USDC: 5n },
      minedUnsettled: [
        { token: 'ETH', amount: 7n, gas: 1n },
        { token: 'USDC', amount: 0n, gas: 2n },
      ],
      settledAfter: [],
    });
    expect(d).toEqual({ ETH: 0n, USDC: 0n });
  });

  it('shows an unposted deposit and an outside transfer', () => {
    const d = computeDrift({ tokens, chain: { ETH: 10n, USDC: 15n }, ledger: { ETH: 12n, USDC: 5n }, minedUnsettled: [], settledAfter: [] });
    expect(d).toEqual({ ETH: -2n, USDC: 10n });
  });

  it('finds nonce holes', () => {
    expect(nonceGap(10, 7, 3)).toBe(0);
    expect(nonceGap(10, 7, 2)).toBe(1);
    expect(nonceGap(7, 7, 0)).toBe(0);
    expect(nonceGap(5, 7, 0)).toBe(0);
  });
});
