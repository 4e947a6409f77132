import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { DelayedError, Job, Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { WORKER_ID } from '../../../platform/queue/worker-id';
import { runJob } from '../../../platform/tracing/job-context';
import { PayClaimCommand, PayClaimOutcome } from '../commands/pay-claim/pay-claim.command';
import { DEAD_LETTER_JOB, DEAD_LETTER_OPTIONS, DEAD_LETTER_QUEUE, DeadLetterData } from './dead-letter.job';
import { PAY_CLAIM_QUEUE, PayClaimJobData } from './pay-claim.job';

/** How long a claim waiting for treasury funds sleeps before it is tried again (no attempt spent). */
export const FUNDS_RETRY_MS = 5000;
/** How long a claim waits while every lane is full (MAX_INFLIGHT_PER_SIGNER): about a block's settling. */
export const LANES_BUSY_RETRY_MS = 300;
/** How long a claim of a paused token sleeps before it looks again (no attempt spent). */
export const PAUSED_RETRY_MS = 2000;
/** How long a claim over a daily limit sleeps before it looks at the window again (no attempt spent). */
export const LIMIT_RETRY_MS = 15_000;

/**
 * Thin adapter: parse the job, dispatch the command. Runs CLAIM_QUEUE_CONCURRENCY jobs at once. A claim
 * waiting for funds is delayed without spending an attempt; a job that exhausts its attempts is parked
 * in the dead-letter queue with its reason.
 */
// Worker options are fixed at decoration: QUEUE_LOCK_MS (validated by config) is read from the environment here.
@Processor(PAY_CLAIM_QUEUE, { lockDuration: Number(process.env.QUEUE_LOCK_MS || 30_000), stalledInterval: Number(process.env.QUEUE_LOCK_MS || 30_000) })
export class PayClaimProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger('PayClaimProcessor');

  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.claimQueueConcurrency;
  }

  async process(job: Job<PayClaimJobData>, token?: string): Promise<PayClaimOutcome> {
    // job span (continues the request's trace) and log context (request id, claim id) around the command
    const outcome = await runJob(PAY_CLAIM_QUEUE, job, () =>
      this.cls.run(() => this.commands.execute(new PayClaimCommand(job.data.claimId, `worker:${this.workerId}`))),
    );
    const delay = outcome === 'waiting-for-funds' ? FUNDS_RETRY_MS : outcome === 'lanes-busy' ? LANES_BUSY_RETRY_MS : outcome === 'batch-window' ? this.config.batchWindowMs : outcome === 'paused' ? PAUSED_RETRY_MS : outcome === 'over-limit' ? LIMIT_RETRY_MS : 0;
    if (delay > 0 && token) {
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    return outcome;
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<PayClaimJobData> | undefined, err: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const data: DeadLetterData = {
      claimId: job.data.claimId,
      reason: err.message.slice(0, 500),
      attemptsMade: job.attemptsMade,
      failedAt: new Date().toISOString(),
    };
    await this.deadLetters.add(DEAD_LETTER_JOB, data, { ...DEAD_LETTER_OPTIONS, jobId: job.data.claimId }).catch(() => undefined);
    this.logger.error(`claim ${job.data.claimId} dead-lettered after ${job.attemptsMade} attempts: ${data.reason}`);
  }
}
