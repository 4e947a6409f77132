import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { GroupsAdminController } from './api/groups-admin.controller';
import { GroupsController } from './api/groups.controller';
import { CompleteCycleHandler } from './commands/complete-cycle/complete-cycle.handler';
import { CompleteDueCyclesHandler } from './commands/complete-due-cycles/complete-due-cycles.handler';
import { CreateGroupHandler } from './commands/create-group/create-group.handler';
import { RecordContributionHandler } from './commands/record-contribution/record-contribution.handler';
import { RepayCycleHandler } from './commands/repay-cycle/repay-cycle.handler';
import { CycleLock } from './domain/cycle-lock';
import { CYCLE_SWEEP_QUEUE } from './jobs/cycle-sweep.job';
import { CycleSweepProcessor } from './jobs/cycle-sweep.processor';
import { AdvisoryCycleLock } from './persistence/advisory-cycle-lock';
import { CycleContributionEntity, CyclePayoutEntity, GroupMemberEntity, SavingsGroupEntity } from './persistence/cycles.entity';
import { CyclesRepository } from './persistence/cycles.repository';
import { GetGroupHandler } from './queries/get-group/get-group.handler';

/**
 * Savings groups (rotating: cycle N pays members[(N-1) mod n]). Other modules use it through the buses:
 * RecordContributionCommand, CompleteCycleCommand, GetGroupQuery, and CycleCompletedEvent. Admins repay a
 * cycle whose payout claim failed or was cancelled (RepayCycleCommand).
 */
@Module({})
export class CyclesModule {
  /** `workers: false` (ROLE=api): the sweep queue is registered as a producer only. */
  static register(opts: { workers: boolean }): DynamicModule {
    const processors: Provider[] = opts.workers ? [CycleSweepProcessor] : [];
    return {
      module: CyclesModule,
      imports: [
        TypeOrmModule.forFeature([SavingsGroupEntity, GroupMemberEntity, CycleContributionEntity, CyclePayoutEntity]),
        BullModule.registerQueue({ name: CYCLE_SWEEP_QUEUE }),
        LedgerModule,
      ],
      controllers: [GroupsController, GroupsAdminController],
      providers: [
        CyclesRepository,
        { provide: CycleLock, useClass: AdvisoryCycleLock },
        CreateGroupHandler,
        RecordContributionHandler,
        CompleteCycleHandler,
        CompleteDueCyclesHandler,
        RepayCycleHandler,
        GetGroupHandler,
        ...processors,
      ],
    };
  }
}
