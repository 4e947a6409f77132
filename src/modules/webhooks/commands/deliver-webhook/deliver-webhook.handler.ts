import { Inject, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { postWebhook } from '../../delivery/post-webhook';
import { nextDelayMs } from '../../domain/retry-schedule';
import { signStandard } from '../../domain/signature';
import {
  DELIVER_WEBHOOK_JOB,
  DELIVER_WEBHOOK_JOB_OPTIONS,
  DeliverWebhookJobData,
  deliveryJobId,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../jobs/webhook-delivery.job';
import { AttemptOutcome, WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';
import { DeliverOutcome, DeliverWebhookCommand } from './deliver-webhook.command';

/**
 * One attempt: take it (pending -> sending under a lease, in its own short transaction), POST the stored
 * body with fresh Standard Webhooks headers (same `webhook-id` on every attempt, new timestamp and
 * signature), then log the attempt and decide: 2xx succeeded; 410 failed and the endpoint disabled; anything
 * else retried per the schedule (jittered), or failed once the schedule is used up; a target refused as not
 * public (WEBHOOK_ALLOW_PRIVATE_TARGETS=false) failed at once. Redirects are not followed. The next
 * attempt is enqueued only after that decision commits.
 */
@CommandHandler(DeliverWebhookCommand)
export class DeliverWebhookHandler implements ICommandHandler<DeliverWebhookCommand> {
  private readonly logger = new Logger('WebhookDelivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly repo: WebhookEndpointsRepository,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
  ) {}

  async execute(cmd: DeliverWebhookCommand): Promise<DeliverOutcome> {
    const timeoutMs = this.config.webhookDeliveryTimeoutMs;
    const d = await this.txHost.withTransaction(() => this.repo.takeAttempt(cmd.deliveryId, cmd.attempt, Math.ceil(timeoutMs / 1000) + 30));
    if (!d) return 'skipped';

    let outcome: AttemptOutcome;
    let durationMs = 0;
    if (d.endpointStatus === 'disabled') {
      outcome = { status: 'failed', statusCode: null, error: 'not sent: the endpoint is disabled' };
    } else {
      const ts = Math.floor(Date.now() / 1000);
      const t0 = performance.now();
      const sent = await postWebhook(
        d.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Payrail-Webhooks/0.1',
          'webhook-id': d.messageId,
          'webhook-timestamp': String(ts),
          'webhook-signature': signStandard(d.secret, d.messageId, ts, d.payload),
        },
        d.payload,
        // null (config not finalised) counts as not allowed
        { timeoutMs, allowPrivateTargets: this.config.webhookAllowPrivateTargets === true },
      );
      durationMs = performance.now() - t0;
      const statusCode = sent.kind === 'response' ? sent.statusCode : null;
      const error = sent.kind === 'error' ? sent.error : null;
      if (sent.kind === 'refused') {
        // a refused target is a configuration problem, not a transient failure: no retries; the endpoint stays enabled
        outcome = { status: 'failed', statusCode: null, error: `refused: ${sent.host} is not a public address` };
      } else if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
        outcome = { status: 'succeeded', statusCode };
      } else if (statusCode === 410) {
        outcome = { status: 'failed', statusCode, error: 'HTTP 410 Gone: the endpoint is disabled' };
      } else {
        const why = error ?? `HTTP ${statusCode}`;
        const delay = nextDelayMs(this.config.webhookRetryScheduleMs, d.runAttempts);
        outcome =
          delay === null
            ? { status: 'failed', statusCode, error: `${why} (no attempts left in the schedule)` }
            : { status: 'pending', statusCode, error: why, retryInMs: delay };
      }
    }

    const recorded = await this.txHost.withTransaction(async () => {
      const ok = await this.repo.finishAttempt(d.id, cmd.attempt, outcome, durationMs);
      if (ok && outcome.statusCode === 410) {
        await this.repo.disable(d.endpointId, `the endpoint answered 410 Gone at ${new Date().toISOString()}`);
      }
      return ok;
    });
    if (!recorded) {
      this.logger.warn(`delivery ${d.id} attempt ${cmd.attempt}: the lease expired before the result was recorded`);
      return 'skipped';
    }
    if (outcome.status === 'pending') {
      const next = cmd.attempt + 1;
      try {
        await this.queue.add(
          DELIVER_WEBHOOK_JOB,
          { deliveryId: d.id, attempt: next },
          { ...DELIVER_WEBHOOK_JOB_OPTIONS, jobId: deliveryJobId(d.id, next), delay: outcome.retryInMs },
        );
      } catch (err) {
        this.logger.warn(`enqueue of delivery ${d.id} attempt ${next} failed (the sweeper will retry): ${(err as Error).message}`);
      }
    }
    return outcome.status;
  }
}
