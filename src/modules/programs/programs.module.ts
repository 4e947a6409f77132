import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { ProgramsController } from './api/programs.controller';
import {
  CloseProgramHandler,
  CreateProgramHandler,
  GetProgramHandler,
  GetProgramReportHandler,
  ListProgramsHandler,
  TopUpProgramHandler,
} from './commands/program.handlers';
import { ProgramsRepository } from './persistence/programs.repository';
import { ProgramBudget } from './program-budget.service';
import { ProgramMetrics } from './program-metrics';

/** Programs with budgets (API.md "Programs"); the claims module draws on them through ProgramBudget. */
@Module({
  imports: [LedgerModule],
  controllers: [ProgramsController],
  providers: [
    ProgramsRepository,
    ProgramBudget,
    ProgramMetrics,
    CreateProgramHandler,
    TopUpProgramHandler,
    CloseProgramHandler,
    GetProgramHandler,
    GetProgramReportHandler,
    ListProgramsHandler,
  ],
  exports: [ProgramBudget],
})
export class ProgramsModule {}
