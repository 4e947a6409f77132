import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { entitlementOf } from '../../domain/entitlement';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ChainService } from '../../../../platform/chain/chain.service';
import { IdempotencyGate } from '../../../../platform/idempotency/idempotency.gate';
import { DomainError } from '../../../../platform/errors/domain-error';
import { LedgerService } from '../../../ledger/ledger.service';
import { Accounts, transfer } from '../../../ledger/domain/accounts';
import { toClaimView } from '../../domain/claim.view';
import { ClaimCreatedEvent, ClaimsHeldEvent } from '../../events/claim-created.event';
import { IntakePolicy } from '../../intake-policy.service';
import { ProgramBudget } from '../../../programs/program-budget.service';
import { ClaimsRepository } from '../../persistence/claims.repository';
import { CreateClaimCommand, CreateClaimResult } from './create-claim.command';

/**
 * One claim per entitlement: INSERT ... ON CONFLICT (idempo_key) DO NOTHING, then read back. The claim,
 * its ledger journal (expense:rewards -> payable) and its first audit event commit together; the payout
 * job is enqueued only after commit (by ClaimCreatedEvent; a caller that runs this command inside its own
 * transaction publishes the event itself after committing). With an Idempotency-Key, it may start before the
 * key is claimed (RunsBeforeKeyClaimed): it commits only through IdempotencyGate. Reserved reasons
 * (`cycle:...`) are refused here, before anything is stored, for every caller but the cycles module.
 */
@CommandHandler(CreateClaimCommand)
export class CreateClaimHandler implements ICommandHandler<CreateClaimCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ClaimsRepository,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
    private readonly events: EventBus,
    private readonly gate: IdempotencyGate,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: IntakePolicy,
    private readonly budget: ProgramBudget,
  ) {}

  async execute(cmd: CreateClaimCommand): Promise<CreateClaimResult> {
    const e = entitlementOf(cmd, this.chain, this.config.limitPerClaim, { internal: cmd.options.internal });
    if (e instanceof DomainError) throw e;
    const [admission] = await this.policy.admit([e], { internal: cmd.options.internal });
    if (admission instanceof DomainError) throw admission;
    const { wallet, amountBase, idempoKey } = e;
    const token = { symbol: e.token, decimals: e.decimals };

    // Inside a caller's transaction (e.g. a cycle completing), the caller publishes after ITS commit.
    const joined = this.txHost.isTransactionActive();
    const program = cmd.options.program ?? null;
    const result = await this.txHost.withTransaction(async () => {
      if (program) {
        // the program row is locked from here to commit: no other claim spends the same remainder
        const [refusal] = await this.budget.check([{ programId: program.id, token: token.symbol, amountBase, decimals: token.decimals }], program.owner);
        if (refusal) {
          const existing = await this.repo.findByIdempoKey(idempoKey); // a retry of a claim already stored: answered as it is
          if (!existing) throw refusal;
          if (!joined) await this.gate.pass();
          return { claim: existing, created: false };
        }
      }
      const inserted = await this.repo.insertIfAbsent({
        idempoKey,
        wallet,
        token: token.symbol,
        amountBase,
        decimals: token.decimals,
        reason: cmd.reason,
        client: cmd.client,
        chainId: this.chain.chainId, // only this chain's processes lease and sweep it
        status: admission!.status,
        lastError: admission!.lastError,
        programId: program?.id ?? null,
      });
      if (!inserted) {
        const existing = (await this.repo.findByIdempoKey(idempoKey))!;
        if (!joined) await this.gate.pass();
        return { claim: existing, created: false };
      }
      await this.budget.commit([inserted]);
      await this.ledger.post(
        `claim:${inserted.id}`,
        'claim.created',
        inserted.id,
        transfer(ProgramBudget.sourceAccount(inserted.programId, token.symbol), Accounts.payable(wallet, token.symbol), token.symbol, amountBase),
      );
      await this.repo.appendEvents([
        { claimId: inserted.id, from: null, to: inserted.status, actor: cmd.actor, detail: { ...cmd.options.auditDetail, idempoKey, ...(inserted.lastError ? { reason: inserted.lastError } : {}) } },
      ]);
      // a keyed POST /v1/claims runs while its key is being claimed: commit only if the key is this request's
      if (!joined) await this.gate.pass();
      return { claim: inserted, created: true };
    });

    if (result.created && !joined) {
      // a held claim is not enqueued: its approval does that
      this.events.publish(result.claim.status === 'held' ? new ClaimsHeldEvent([result.claim.id]) : new ClaimCreatedEvent(result.claim.id));
    }
    return { claim: toClaimView(result.claim), created: result.created };
  }
}
