import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClaimsModule } from '../claims/claims.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PayoutsController } from './api/payouts.controller';
import { AdminController } from './api/admin.controller';
import { RequeueClaimHandler } from './commands/requeue-claim/requeue-claim.handler';
import { ResyncNonceHandler } from './commands/resync-nonce/resync-nonce.handler';
import { RetryDeadLetterHandler } from './commands/retry-dead-letter/retry-dead-letter.handler';
import { ListDeadLettersHandler } from './queries/list-dead-letters/list-dead-letters.handler';
import { Broadcaster } from './broadcaster.service';
import { DeadLetterMetrics } from './dead-letter-metrics';
import { DailyLimits } from './lanes/daily-limits';
import { PayClaimHandler } from './commands/pay-claim/pay-claim.handler';
import { SettlePayoutsHandler } from './commands/settle-payouts/settle-payouts.handler';
import { SweepClaimsHandler } from './commands/sweep/sweep-claims.handler';
import { EnqueueOnClaimCreatedHandler, EnqueueOnClaimsCreatedHandler } from './events/enqueue-on-claim-created.handler';
import { CHAIN_WATCH_QUEUE } from './jobs/chain-watch.job';
import { ChainWatchProcessor } from './jobs/chain-watch.processor';
import { PAY_CLAIM_QUEUE } from './jobs/pay-claim.job';
import { DEAD_LETTER_QUEUE } from './jobs/dead-letter.job';
import { PayClaimProcessor } from './jobs/pay-claim.processor';
import { PayoutEntity, SignerEntity } from './persistence/payout.entity';
import { PayoutsRepository } from './persistence/payouts.repository';
import { FundingRepository } from './persistence/funding.repository';
import { GetPayoutHandler } from './queries/get-payout/get-payout.handler';
import { TreasuryBootstrap } from './treasury.bootstrap';
import { FundsGuard } from './funds-guard.service';
import { Replacer } from './replacer.service';
import { FundingSync } from './funding-sync.service';
import { PaymentQueue } from './jobs/payment-queue';
import { PayoutSigner } from './lanes/payout-signer';
import { FinalityWatch } from './watch/finality.watch';
import { SettleWatch } from './watch/settle.watch';
import { DropWatch } from './watch/drop.watch';
import { ResendWatch } from './watch/resend.watch';
import { ReplaceWatch } from './watch/replace.watch';
import { FundingWatch } from './watch/funding.watch';
import { ListSignersHandler } from './queries/list-signers/list-signers.handler';
import { GetTreasuryStatusHandler } from './queries/get-treasury-status/get-treasury-status.handler';
import { PausesRepository } from './persistence/pauses.repository';
import { PausePayoutsHandler, ResumePayoutsHandler } from './commands/pause-payouts/pause-payouts.handler';
import { PayoutPauseMetrics } from './pause-metrics';
import { FloorBreaker } from './floor-breaker.service';
import { TripImbalanceBreakerHandler } from './commands/trip-imbalance-breaker/trip-imbalance-breaker.handler';

@Module({})
export class PayoutsModule {
  /** `workers: false` (ROLE=api) registers the queues as producers only: no processor runs. */
  static register(opts: { workers: boolean }): DynamicModule {
    const processors: Provider[] = opts.workers ? [PayClaimProcessor, ChainWatchProcessor] : [];
    return {
      module: PayoutsModule,
      imports: [
        TypeOrmModule.forFeature([PayoutEntity, SignerEntity]),
        BullModule.registerQueue({ name: PAY_CLAIM_QUEUE }, { name: CHAIN_WATCH_QUEUE }, { name: DEAD_LETTER_QUEUE }),
        ClaimsModule,
        LedgerModule,
      ],
      controllers: [PayoutsController, AdminController],
      providers: [
        PayoutsRepository,
        PausesRepository,
        PausePayoutsHandler,
        ResumePayoutsHandler,
        PayoutPauseMetrics,
        FloorBreaker,
        TripImbalanceBreakerHandler,
        Broadcaster,
        Replacer,
        PayoutSigner,
        FinalityWatch,
        SettleWatch,
        DropWatch,
        ResendWatch,
        ReplaceWatch,
        FundingWatch,
        FundsGuard,
        DailyLimits,
        FundingSync,
        FundingRepository,
        PaymentQueue,
        GetTreasuryStatusHandler,
        ListSignersHandler,
        RequeueClaimHandler,
        ResyncNonceHandler,
        RetryDeadLetterHandler,
        ListDeadLettersHandler,
        TreasuryBootstrap,
        DeadLetterMetrics,
        PayClaimHandler,
        SettlePayoutsHandler,
        SweepClaimsHandler,
        EnqueueOnClaimCreatedHandler,
        EnqueueOnClaimsCreatedHandler,
        GetPayoutHandler,
        ...processors,
      ],
      exports: [BullModule, PausesRepository],
    };
  }
}
