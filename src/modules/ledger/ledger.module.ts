import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerController } from './api/ledger.controller';
import { LedgerService } from './ledger.service';
import { LedgerJournalEntity, LedgerPostingEntity } from './persistence/ledger.entity';
import { LedgerRepository } from './persistence/ledger.repository';
import { GetBalancesHandler } from './queries/get-balances/get-balances.handler';
import { GetTrialBalanceHandler } from './queries/get-trial-balance/get-trial-balance.handler';
import { ExportJournalsHandler } from './queries/export-journals/export-journals.handler';

@Module({
  imports: [TypeOrmModule.forFeature([LedgerJournalEntity, LedgerPostingEntity])],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerRepository, GetBalancesHandler, GetTrialBalanceHandler, ExportJournalsHandler],
  exports: [LedgerService],
})
export class LedgerModule {}
