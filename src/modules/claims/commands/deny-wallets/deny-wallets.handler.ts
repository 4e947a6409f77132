import { Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClaimLifecycle } from '../../claim-lifecycle.service';
import { ClaimsHeldEvent } from '../../events/claim-created.event';
import { deniedReason } from '../../intake-policy.service';
import { DenylistRepository } from '../../persistence/denylist.repository';
import { AllowWalletCommand, DenyResult, DenyWalletsCommand } from './deny-wallets.command';

/** Statement size for a large import (10,000 addresses is a few statements, one transaction). */
const CHUNK = 5000;

/**
 * The denylist and the claims it stops, in ONE transaction: the addresses are inserted and every open claim to
 * them (pending, or leased and not yet signed) moves to `held` with the reason. A lane that leased such a claim
 * finds it gone when it marks it submitted and rolls its signing transaction back; a claim already signed has
 * left (committed before this denial). A claim created concurrently is caught where the lane takes claims (a
 * denied wallet is never taken into a batch, and a leased one is held before signing).
 */
@CommandHandler(DenyWalletsCommand)
export class DenyWalletsHandler implements ICommandHandler<DenyWalletsCommand> {
  private readonly logger = new Logger('Denylist');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly denylist: DenylistRepository,
    private readonly claims: ClaimLifecycle,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: DenyWalletsCommand): Promise<DenyResult> {
    const { added, held } = await this.txHost.withTransaction(async () => {
      let added = 0;
      const held: string[] = [];
      for (let at = 0; at < cmd.addresses.length; at += CHUNK) {
        const chunk = cmd.addresses.slice(at, at + CHUNK);
        added += (await this.denylist.add(chunk, cmd.reason, cmd.actor)).length;
        held.push(...(await this.claims.holdWallets(chunk, cmd.actor, deniedReason(cmd.reason))));
      }
      return { added, held };
    });
    if (held.length) {
      this.logger.warn(`${held.length} open claim(s) held: their wallets were denied by ${cmd.actor}`);
      this.events.publish(new ClaimsHeldEvent(held));
    }
    return { added, duplicates: cmd.skipped.duplicates + (cmd.addresses.length - added), invalid: cmd.skipped.invalid, held: held.length };
  }
}

@CommandHandler(AllowWalletCommand)
export class AllowWalletHandler implements ICommandHandler<AllowWalletCommand> {
  private readonly logger = new Logger('Denylist');

  constructor(private readonly denylist: DenylistRepository) {}

  async execute(cmd: AllowWalletCommand): Promise<boolean> {
    const removed = await this.denylist.remove(cmd.address);
    if (removed) this.logger.warn(`${cmd.address} removed from the denylist by ${cmd.actor}; its held claims wait for an admin's approval`);
    return removed;
  }
}
