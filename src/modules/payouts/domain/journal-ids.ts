/**
 * Deterministic ledger journal ids of a payout (idempotent posts). A payout settles once per generation:
 * generation 0 is its first settlement; each reorg that takes a settlement back reverses it under
 * `reorg:<g>` and the next settlement is generation g+1 (so a re-settlement is never mistaken for a repeat).
 */
export const PayoutJournals = {
  settle: (payoutId: string, generation: number) => (generation === 0 ? `payout:${payoutId}:settle` : `payout:${payoutId}:settle:${generation}`),
  gas: (payoutId: string, generation: number) => (generation === 0 ? `payout:${payoutId}:gas` : `payout:${payoutId}:gas:${generation}`),
  reorg: (payoutId: string, generation: number) => `payout:${payoutId}:reorg:${generation}`,
  cancelGas: (payoutId: string) => `payout:${payoutId}:cancel-gas`,
};
