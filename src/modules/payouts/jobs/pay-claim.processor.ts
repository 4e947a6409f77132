import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { CommandBus } from '@nestjs/cqrs';
import { Job } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { WORKER_ID } from '../../../platform/queue/worker-id';
import { PayClaimCommand } from '../commands/pay-claim/pay-claim.command';
import { PAY_CLAIM_QUEUE, PayClaimJobData } from './pay-claim.job';

/** Thin adapter: parse the job, dispatch the command. Runs CLAIM_QUEUE_CONCURRENCY jobs at once. */
@Processor(PAY_CLAIM_QUEUE)
export class PayClaimProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger('PayClaimProcessor');

  constructor(
    private readonly commands: CommandBus,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.claimQueueConcurrency;
  }

  async process(job: Job<PayClaimJobData>): Promise<string> {
    return this.cls.run(() => this.commands.execute(new PayClaimCommand(job.data.claimId, `worker:${this.workerId}`)));
  }
}
