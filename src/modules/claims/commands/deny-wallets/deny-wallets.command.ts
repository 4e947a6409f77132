import { Command } from '@nestjs/cqrs';

export interface DenyResult {
  /** addresses newly on the denylist */
  added: number;
  /** addresses already listed, or named twice */
  duplicates: number;
  /** entries that are not addresses (an import counts them; a JSON add refuses them with a 400 first) */
  invalid: number;
  /** open claims to these wallets moved to `held` by this change */
  held: number;
}

/** Adds checksummed addresses to the denylist and holds every open claim to them, in one transaction. */
export class DenyWalletsCommand extends Command<DenyResult> {
  constructor(
    readonly addresses: string[],
    readonly reason: string,
    readonly actor: string,
    /** counted by the caller (repeats and invalid entries of an import) */
    readonly skipped: { duplicates: number; invalid: number } = { duplicates: 0, invalid: 0 },
  ) {
    super();
  }
}

/** Removes an address from the denylist (true if it was listed). Its held claims stay held until approved. */
export class AllowWalletCommand extends Command<boolean> {
  constructor(
    readonly address: string,
    readonly actor: string,
  ) {
    super();
  }
}
