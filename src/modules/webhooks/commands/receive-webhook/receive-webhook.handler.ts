import { Inject, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Queue } from 'bullmq';
import { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { ValidationError } from '../../../../platform/errors/domain-error';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../../../platform/http/json-depth';
import { METRIC } from '../../../../platform/metrics/metrics';
import { WebhookRateLimits } from '../../../../platform/rate-limit/webhook-limits';
import { isInboundEventType } from '../../domain/event-types';
import { keysFor, ProviderKeys, verifyWebhook, VerifyResult } from '../../domain/signature';
import { WebhookVerificationError } from '../../domain/webhook.errors';
import {
  PROCESS_WEBHOOK_EVENT_JOB,
  PROCESS_WEBHOOK_EVENT_JOB_OPTIONS,
  ProcessWebhookEventJobData,
  WEBHOOK_EVENT_QUEUE,
  webhookEventJobId,
} from '../../jobs/webhook-event.job';
import { WebhookEventsRepository } from '../../persistence/webhook-events.repository';
import { ReceiveWebhookCommand, ReceiveWebhookResult } from './receive-webhook.command';

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Intake: verify the signature on the raw bytes (nothing is parsed or stored before that), then store the
 * event once (INSERT ... ON CONFLICT (provider, event_id) DO NOTHING) and, after that commit, enqueue its
 * processing (jobId = the stored event's id). A repeat of an event id is answered `duplicate: true` with no
 * second effect; an unknown type is stored as `ignored` (202).
 */
@CommandHandler(ReceiveWebhookCommand)
export class ReceiveWebhookHandler implements ICommandHandler<ReceiveWebhookCommand> {
  private readonly logger = new Logger('WebhookIntake');
  private readonly keys = new Map<string, ProviderKeys>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly events: WebhookEventsRepository,
    @InjectQueue(WEBHOOK_EVENT_QUEUE) private readonly queue: Queue<ProcessWebhookEventJobData>,
    @InjectMetric(METRIC.webhookVerificationFailures) private readonly failures: Counter<string>,
    private readonly limits: WebhookRateLimits,
  ) {
    const byProvider = new Map<string, string[]>();
    for (const { provider, secret } of config.webhookSecrets) byProvider.set(provider, [...(byProvider.get(provider) ?? []), secret]);
    for (const [provider, secrets] of byProvider) this.keys.set(provider, keysFor(secrets));
  }

  async execute(cmd: ReceiveWebhookCommand): Promise<ReceiveWebhookResult> {
    const keys = this.keys.get(cmd.provider);
    if (!keys) {
      // the label is fixed: a caller choosing provider names must not grow the metric's label set
      this.failures.inc({ provider: 'unknown', reason: 'unknown_provider' });
      throw new WebhookVerificationError('unknown_provider');
    }
    const verdict = verifyWebhook(keys, cmd.headers, cmd.rawBody, Math.floor(Date.now() / 1000));
    if (!verdict.ok) {
      this.failures.inc({ provider: cmd.provider, reason: verdict.reason });
      throw new WebhookVerificationError(verdict.reason);
    }
    // only a verified request spends the provider's budget (a forger's posts never get its events refused)
    const headers = await this.limits.countProvider(cmd.provider);
    return { ...(await this.store(cmd, verdict)), headers };
  }

  private async store(cmd: ReceiveWebhookCommand, verdict: Extract<VerifyResult, { ok: true }>): Promise<ReceiveWebhookResult> {

    // Authentic bytes from here on: parse and check the envelope.
    if (jsonDepthExceeds(cmd.rawBody.toString('utf8'))) {
      throw new ValidationError([{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(cmd.rawBody.toString('utf8'));
    } catch {
      throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new ValidationError([{ field: 'body', message: 'must be a JSON object {id, type, data}' }]);
    }
    // Postgres text and jsonb cannot hold NUL characters
    if (/\\u0000/i.test(cmd.rawBody.toString('utf8'))) throw new ValidationError([{ field: 'body', message: 'must not contain \\u0000' }]);
    const env = payload as Record<string, unknown>;
    const eventId = typeof env.id === 'string' && env.id.length > 0 ? env.id : verdict.messageId;
    if (!eventId || eventId.length > 255 || CONTROL.test(eventId)) {
      throw new ValidationError([{ field: 'id', message: 'must be a string of 1 to 255 printable characters' }]);
    }
    if (typeof env.type !== 'string' || env.type.length < 1 || env.type.length > 100 || CONTROL.test(env.type)) {
      throw new ValidationError([{ field: 'type', message: 'must be an event type string' }]);
    }
    const known = isInboundEventType(env.type);

    const stored = await this.events.insertIfAbsent({
      provider: cmd.provider,
      eventId,
      type: env.type,
      scheme: verdict.scheme,
      payload,
      status: known ? 'received' : 'ignored',
      reason: known ? null : `unknown event type "${env.type.slice(0, 100)}"`,
    });
    if (!stored) {
      const existing = await this.events.findByKey(cmd.provider, eventId);
      return { httpStatus: 200, body: { received: true, id: existing!.id, duplicate: true, status: existing!.status } };
    }
    if (!known) return { httpStatus: 202, body: { received: true, id: stored.id, duplicate: false, ignored: true } };
    try {
      await this.queue.add(PROCESS_WEBHOOK_EVENT_JOB, { eventId: stored.id }, { ...PROCESS_WEBHOOK_EVENT_JOB_OPTIONS, jobId: webhookEventJobId(stored.id) });
    } catch (err) {
      this.logger.warn(`enqueue of webhook event ${stored.id} failed (the sweeper will retry): ${(err as Error).message}`);
    }
    return { httpStatus: 200, body: { received: true, id: stored.id, duplicate: false } };
  }
}
