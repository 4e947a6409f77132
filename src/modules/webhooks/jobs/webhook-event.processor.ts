import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { describeSafely } from '../../../platform/errors/problem.filter';
import { WORKER_ID } from '../../../platform/queue/worker-id';
import { ProcessWebhookEventCommand, ProcessWebhookEventOutcome } from '../commands/process-webhook-event/process-webhook-event.command';
import { RecordWebhookEventFailureCommand } from '../commands/record-webhook-event-failure/record-webhook-event-failure.command';
import { PROCESS_WEBHOOK_EVENT_JOB_OPTIONS, ProcessWebhookEventJobData, WEBHOOK_EVENT_QUEUE } from './webhook-event.job';

/** Thin adapter: parse the job, dispatch the command; on the last attempt the event is marked `failed`. */
@Processor(WEBHOOK_EVENT_QUEUE, { concurrency: 5 })
export class WebhookEventProcessor extends WorkerHost {
  private readonly logger = new Logger('WebhookEvents');

  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {
    super();
  }

  async process(job: Job<ProcessWebhookEventJobData>): Promise<ProcessWebhookEventOutcome> {
    return this.cls.run(async () => {
      try {
        return await this.commands.execute(new ProcessWebhookEventCommand(job.data.eventId, `worker:${this.workerId}`));
      } catch (err) {
        const attempts = job.opts.attempts ?? PROCESS_WEBHOOK_EVENT_JOB_OPTIONS.attempts ?? 1;
        const final = job.attemptsMade + 1 >= attempts;
        const error = describeSafely(err);
        this.logger.warn(`webhook event ${job.data.eventId} attempt ${job.attemptsMade + 1}/${attempts} failed: ${error}`);
        await this.commands.execute(new RecordWebhookEventFailureCommand(job.data.eventId, error, final)).catch(() => undefined);
        throw err;
      }
    });
  }
}
