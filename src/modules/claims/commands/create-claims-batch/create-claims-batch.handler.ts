import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { entitlementOf } from '../../domain/entitlement';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ChainService } from '../../../../platform/chain/chain.service';
import { DomainError, ValidationError } from '../../../../platform/errors/domain-error';
import { Problem } from '../../../../platform/errors/problem';
import { toProblem } from '../../../../platform/errors/problem.filter';
import { validateAs } from '../../../../platform/errors/validation';
import { WalletBudget } from '../../../../platform/rate-limit/wallet-budget';
import { Accounts, transfer } from '../../../ledger/domain/accounts';
import { LedgerService } from '../../../ledger/ledger.service';
import { CreateClaimDto } from '../../api/claim.dto';
import { EntitlementClaimedByAnotherClientError } from '../../domain/claim.errors';
import { toClaimView } from '../../domain/claim.view';
import { ClaimsCreatedEvent, ClaimsHeldEvent } from '../../events/claim-created.event';
import { IntakePolicy } from '../../intake-policy.service';
import { ProgramBudget } from '../../../programs/program-budget.service';
import { ClaimEntity } from '../../persistence/claim.entity';
import { ClaimsRepository, NewClaim } from '../../persistence/claims.repository';
import { BatchItemOutcome, CreateClaimsBatchCommand, CreateClaimsBatchResult } from './create-claims-batch.command';

/** Rows per statement: each chunk is one claims INSERT, one journals + one postings INSERT and one events INSERT. */
const CHUNK = 500;

interface Candidate {
  index: number;
  claim: NewClaim;
}

/**
 * Bulk intake (API.md "Bulk intake"): each item answered as POST /v1/claims would answer it, in one
 * transaction of a few multi-row statements instead of one transaction per claim.
 * - Items are validated one by one with the single route's rules (CreateClaimDto, reserved `cycle:` reasons,
 *   token, amount); a bad item is a 400 in its slot, the others go on. A claim to a denied wallet is a 403 in
 *   its slot; one above APPROVAL_ABOVE is created `held` (API.md "Treasury controls").
 * - The same entitlement twice in one request is one claim: the first item creates it (201), the later ones
 *   answer it (200), as if sent one after the other.
 * - Entitlements that already have a claim are answered without being counted or written: 200 for the key
 *   that created it (or a voucher), 409 CLAIM.CLAIMED_BY_ANOTHER_CLIENT for another key, as the single route.
 * - Each item that would create a claim is counted against its wallet's `claims-wallet` budget (the one POST
 *   /v1/claims counts into), in request order: bulk cannot create more claims for a wallet than single posts
 *   could. An item over it is a 429 in its slot. A retry of the same request creates nothing and so spends
 *   nothing: its items answer 200.
 * - The claims (INSERT ... ON CONFLICT (idempo_key) DO NOTHING), their `claim.created` journals and first audit
 *   events commit together; a claim a concurrent request created meanwhile is answered as existing. After
 *   commit each new claim's payment is enqueued (ClaimsCreatedEvent, one job per claim); a lost enqueue is swept,
 *   as for single claims.
 * The request's Idempotency-Key, if any, is handled around this command by the interceptor (the whole
 * response is stored and replayed).
 */
@CommandHandler(CreateClaimsBatchCommand)
export class CreateClaimsBatchHandler implements ICommandHandler<CreateClaimsBatchCommand> {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly repo: ClaimsRepository,
    private readonly ledger: LedgerService,
    private readonly chain: ChainService,
    private readonly budget: WalletBudget,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: IntakePolicy,
    private readonly programs: ProgramBudget,
  ) {}

  async execute(cmd: CreateClaimsBatchCommand): Promise<CreateClaimsBatchResult> {
    const out: BatchItemOutcome[] = cmd.items.map((_, index) => ({ index, status: 400 }));
    const refuse = (index: number, err: DomainError) => {
      out[index] = { index, status: toProblem(err, this.logger).status as BatchItemOutcome['status'], problem: this.problemOf(err) };
    };

    // 1. each item on its own: the single route's checks, in its order
    const leaders = new Map<string, Candidate>(); // idempoKey -> the first item naming it
    const followers: { index: number; key: string }[] = [];
    cmd.items.forEach((raw, index) => {
      const checked = this.check(raw, cmd.client);
      if (checked instanceof DomainError) return refuse(index, checked);
      if (leaders.has(checked.idempoKey)) followers.push({ index, key: checked.idempoKey });
      else leaders.set(checked.idempoKey, { index, claim: checked });
    });

    // 2. entitlements that already have a claim: answered, never counted or written
    const existing = new Map((await this.repo.findByIdempoKeys([...leaders.keys()])).map((c) => [c.idempoKey, c]));
    const unseen = [...leaders.values()].filter((c) => !existing.has(c.claim.idempoKey));

    // 3. the treasury's rules (one statement): a denied wallet is a 403 in its slot; above APPROVAL_ABOVE: held
    const admissions = await this.policy.admit(unseen.map((c) => c.claim));
    const fresh: Candidate[] = [];
    unseen.forEach((c, i) => {
      const a = admissions[i]!;
      if (a instanceof DomainError) return refuse(c.index, a);
      c.claim.status = a.status;
      c.claim.lastError = a.lastError;
      fresh.push(c);
    });

    // 4. each claim to create spends one of its wallet's budget (in request order); over it: 429
    const verdicts = await this.budget.spend(fresh.map((c) => c.claim.wallet));
    const accepted: Candidate[] = [];
    fresh.forEach((c, i) => (verdicts[i] ? refuse(c.index, verdicts[i]) : accepted.push(c)));

    // 5. one transaction, a few statements per chunk. Rows go in idempoKey order: two batches that overlap
    // take the unique index's locks in the same order, so one waits for the other instead of deadlocking.
    accepted.sort((a, b) => (a.claim.idempoKey < b.claim.idempoKey ? -1 : a.claim.idempoKey > b.claim.idempoKey ? 1 : 0));
    const overBudget = new Set<number>(); // item indexes a program's budget refused
    const created = await this.txHost.withTransaction(async () => {
      // program budgets, in request order, under the programs' row locks (held to commit)
      const asking = accepted.filter((c) => c.claim.programId).sort((a, b) => a.index - b.index);
      const verdicts = await this.programs.check(
        asking.map((c) => ({ programId: c.claim.programId!, token: c.claim.token, amountBase: c.claim.amountBase, decimals: c.claim.decimals })),
        cmd.client,
      );
      asking.forEach((c, i) => {
        if (!verdicts[i]) return;
        refuse(c.index, verdicts[i]);
        overBudget.add(c.index);
      });
      const storing = accepted.filter((c) => !overBudget.has(c.index));
      const rows: ClaimEntity[] = [];
      for (let at = 0; at < storing.length; at += CHUNK) {
        const inserted = await this.repo.insertManyIfAbsent(storing.slice(at, at + CHUNK).map((c) => c.claim));
        await this.programs.commit(inserted); // what was stored (a claim raced in by another request is not)
        await this.ledger.postMany(
          inserted.map((c) => ({
            id: `claim:${c.id}`, // the single route's journal id: one entitlement journal per claim, whoever wrote it
            kind: 'claim.created',
            ref: c.id,
            postings: transfer(ProgramBudget.sourceAccount(c.programId, c.token), Accounts.payable(c.wallet, c.token), c.token, BigInt(c.amountBase)),
          })),
        );
        await this.repo.appendEvents(
          inserted.map((c) => ({ claimId: c.id, from: null, to: c.status, actor: cmd.actor, detail: { idempoKey: c.idempoKey, ...(c.lastError ? { reason: c.lastError } : {}) } })),
        );
        rows.push(...inserted);
      }
      return rows;
    });
    // outbox, second half: enqueue after commit (the sweeper re-enqueues any that are lost)
    const payable = created.filter((c) => c.status === 'pending');
    if (payable.length) this.events.publish(new ClaimsCreatedEvent(payable.map((c) => ({ id: c.id, token: c.token }))));
    const held = created.filter((c) => c.status === 'held');
    if (held.length) this.events.publish(new ClaimsHeldEvent(held.map((c) => c.id))); // enqueued only once approved

    // 6. answers: created (201), or a claim that existed or that a concurrent request created meanwhile
    const createdByKey = new Map(created.map((c) => [c.idempoKey, c]));
    const raced = accepted.filter((c) => !createdByKey.has(c.claim.idempoKey) && !overBudget.has(c.index)).map((c) => c.claim.idempoKey);
    for (const c of await this.repo.findByIdempoKeys(raced)) existing.set(c.idempoKey, c);
    for (const { index, claim } of leaders.values()) {
      if (out[index]!.status === 429 || out[index]!.status === 403 || overBudget.has(index)) continue;
      const mine = createdByKey.get(claim.idempoKey);
      if (mine) out[index] = { index, status: 201, claim: toClaimView(mine) };
      else this.answerExisting(out, index, existing.get(claim.idempoKey)!, cmd.client, refuse);
    }
    for (const { index, key } of followers) {
      const first = out[leaders.get(key)!.index]!;
      out[index] = { ...first, index, status: first.status === 201 ? 200 : first.status };
    }
    return { items: out };
  }

  /** The item as a claim to create, or the error POST /v1/claims would answer for it. */
  private check(raw: unknown, client: string): NewClaim | DomainError {
    const { value, errors } = validateAs(CreateClaimDto, raw);
    if (errors.length) return new ValidationError(errors);
    const e = entitlementOf(value, this.chain, this.config.limitPerClaim);
    if (e instanceof DomainError) return e;
    return {
      idempoKey: e.idempoKey,
      wallet: e.wallet,
      token: e.token,
      amountBase: e.amountBase,
      decimals: e.decimals,
      reason: e.reason,
      programId: value.program ?? null,
      client,
      chainId: this.chain.chainId, // only this chain's processes lease and sweep it
    };
  }

  /** As the single route: the claim to the key that created it (and for a voucher), else a 409 without it. */
  private answerExisting(
    out: BatchItemOutcome[],
    index: number,
    claim: ClaimEntity,
    client: string,
    refuse: (index: number, err: DomainError) => void,
  ): void {
    if (claim.client === client || claim.client === 'signed') out[index] = { index, status: 200, claim: toClaimView(claim) };
    else refuse(index, new EntitlementClaimedByAnotherClientError());
  }

  /** The problem the single route would answer; a refusal without a field names the entitlement's `reason`. */
  private problemOf(err: DomainError): Problem {
    const p = toProblem(err, this.logger);
    if (err instanceof EntitlementClaimedByAnotherClientError) {
      p.errors = [{ field: 'reason', message: 'this entitlement already has a claim of another client; a new entitlement needs its own reason' }];
    }
    return p;
  }
}
