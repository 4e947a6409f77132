import { CommandBus, CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { IdempotencyGate } from '../../../../platform/idempotency/idempotency.gate';
import { METRIC } from '../../../../platform/metrics/metrics';
import { ClaimCreatedEvent } from '../../events/claim-created.event';
import { SignedClaimNonces } from '../../persistence/signed-claim-nonces.repository';
import { CreateClaimCommand, CreateClaimResult } from '../create-claim/create-claim.command';
import { CreateSignedClaimCommand } from './create-signed-claim.command';
import { SignedClaimError } from './signed-claim.eip712';

/**
 * One transaction: the claim (CreateClaimCommand, joined: idempotent by idempoKey as always, client
 * `signed`, the issuer on its first audit event) and the spent nonce, UNIQUE (issuer, nonce): an issuer's
 * nonce pays one voucher, whatever wallet or reason a replay names. A replayed nonce rolls the whole thing
 * back (401).
 * The payout is enqueued after commit, as CreateClaim does for its own transactions.
 */
@CommandHandler(CreateSignedClaimCommand)
export class CreateSignedClaimHandler implements ICommandHandler<CreateSignedClaimCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly commands: CommandBus,
    private readonly events: EventBus,
    private readonly nonces: SignedClaimNonces,
    @InjectMetric(METRIC.authFailures) private readonly failures: Counter<string>,
    private readonly gate: IdempotencyGate,
  ) {}

  async execute(cmd: CreateSignedClaimCommand): Promise<CreateClaimResult> {
    const result = await this.txHost.withTransaction(async () => {
      const created = await this.commands.execute(
        new CreateClaimCommand(cmd.wallet, cmd.token, cmd.amount, cmd.reason, 'signed', 'api:signed', { auditDetail: { issuer: cmd.issuer } }),
      );
      await this.gate.pass(); // a keyed request commits only if it holds its key (a retry's nonce is not "reused")
      if (!(await this.nonces.spend(cmd.issuer, cmd.nonce, cmd.wallet, created.claim.id))) {
        this.failures.inc({ kind: 'signed' });
        throw new SignedClaimError('SIGNED_CLAIM.NONCE_USED', `Nonce ${cmd.nonce} of this issuer was already used; the issuer must sign a new voucher.`);
      }
      return created;
    });
    if (result.created) this.events.publish(new ClaimCreatedEvent(result.claim.id));
    return result;
  }
}
