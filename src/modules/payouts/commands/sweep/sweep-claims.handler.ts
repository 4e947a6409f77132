import { Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { ClaimLifecycle, SweepKey } from '../../../claims/claim-lifecycle.service';
import { PaymentQueue } from '../../jobs/payment-queue';
import { SweepClaimsCommand, SweepResult } from './sweep-claims.command';
import { DEAD_LETTER_QUEUE, DeadLetterData, deadLetteredClaimIds } from '../../jobs/dead-letter.job';

const PENDING_OLDER_THAN_SEC = 10;
/** Claims per page. Every page is read each tick, so no number of parked claims can hide a newer one. */
const PAGE = 500;
/** While the count of parked claims stays the same, the warning is repeated this often. */
const WARN_EVERY_MS = 60_000;

/** The key to read the next page from, or null when this page was the last. */
const next = (page: SweepKey[]): SweepKey | null => (page.length === PAGE ? page[PAGE - 1]! : null);

/**
 * Outbox recovery for this chain's claims: expired leases go back to pending, and every committed pending
 * claim without a live job gets one. Both walk all their rows in keyset pages. Claims parked in the
 * dead-letter queue are left to an operator (admin retry or requeue) and counted, never re-enqueued here.
 */
@CommandHandler(SweepClaimsCommand)
export class SweepClaimsHandler implements ICommandHandler<SweepClaimsCommand> {
  private readonly logger = new Logger('Sweeper');
  private warned = { count: 0, at: 0 };

  constructor(
    private readonly txHost: TransactionHost,
    private readonly claims: ClaimLifecycle,
    private readonly payments: PaymentQueue,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
  ) {}

  async execute(): Promise<SweepResult> {
    // claims written by a process of the previous version (no chain) during a rolling deploy
    const adopted = await this.claims.adoptUnscoped();
    if (adopted > 0) this.logger.log(`${adopted} claim(s) without a chain adopted`);

    let reclaimed = 0;
    let after: SweepKey | null = null;
    do {
      const page = await this.claims.expiredLeases(PAGE, after);
      for (const { id } of page) {
        if (await this.txHost.withTransaction(() => this.claims.reclaimExpired(id))) reclaimed++;
      }
      after = next(page);
    } while (after);

    // the dead-letter queue is read once per tick; a claim parked after this read is caught before re-enqueue
    const parked = await deadLetteredClaimIds(this.deadLetters);
    let requeued = 0;
    let deadLettered = 0;
    do {
      const page = await this.claims.stalePending(PENDING_OLDER_THAN_SEC, PAGE, after);
      const open = page.filter(({ id }) => !parked.has(id));
      deadLettered += page.length - open.length;
      // one page of job states at once: the look-ups are pipelined on the Redis connection
      const states = await Promise.all(open.map(async ({ id }) => (await this.payments.job(id))?.getState()));
      for (const [i, { id }] of open.entries()) {
        const state = states[i];
        if (state && state !== 'completed' && state !== 'failed' && state !== 'unknown') continue; // live job: leave it
        if (await this.deadLetters.getJob(id)) {
          deadLettered++; // parked since the read above
          continue;
        }
        await this.payments.reissue(id);
        requeued++;
      }
      after = next(page);
    } while (after);
    this.report(deadLettered);
    return { reclaimed, requeued, deadLettered };
  }

  /** A warning when the number of parked pending claims changes, and every minute while it is not 0. */
  private report(deadLettered: number): void {
    if (deadLettered === 0 || (deadLettered === this.warned.count && Date.now() - this.warned.at < WARN_EVERY_MS)) {
      if (deadLettered === 0) this.warned = { count: 0, at: 0 };
      return;
    }
    this.warned = { count: deadLettered, at: Date.now() };
    this.logger.warn(
      `${deadLettered} pending claim(s) are parked in the dead-letter queue and are not retried by the sweeper: ` +
        'see GET /v1/admin/dlq, then retry (POST /v1/admin/dlq/:jobId/retry) or requeue them',
    );
  }
}
