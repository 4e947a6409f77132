import { Queue } from 'bullmq';
import { DEAD_LETTER_JOB, DEAD_LETTER_OPTIONS, DEAD_LETTER_QUEUE, DeadLetterData } from '../../src/modules/payouts/jobs/dead-letter.job';
import { PAY_CLAIM_QUEUE } from '../../src/modules/payouts/jobs/pay-claim.job';
import type { World } from './app';

/** The world's pay-claim and dead-letter queues (its Redis and QUEUE_PREFIX), as a test reaches into them. */
export interface WorldQueues {
  payJobs: Queue;
  deadLetters: Queue<DeadLetterData>;
  /** parks claims as the pay-claim processor parks a job that exhausted its attempts */
  park(claimIds: string[], reason: string, attemptsMade: number): Promise<void>;
  close(): Promise<void>;
}

export function worldQueues(world: World): WorldQueues {
  const opts = { connection: { url: world.env.REDIS_URL }, prefix: world.env.QUEUE_PREFIX };
  const payJobs = new Queue(PAY_CLAIM_QUEUE, opts);
  const deadLetters = new Queue<DeadLetterData>(DEAD_LETTER_QUEUE, opts);
  return {
    payJobs,
    deadLetters,
    park: async (claimIds, reason, attemptsMade) => {
      await deadLetters.addBulk(
        claimIds.map((claimId) => ({
          name: DEAD_LETTER_JOB,
          data: { claimId, reason, attemptsMade, failedAt: new Date().toISOString() },
          opts: { ...DEAD_LETTER_OPTIONS, jobId: claimId },
        })),
      );
    },
    close: async () => {
      await payJobs.close();
      await deadLetters.close();
    },
  };
}
