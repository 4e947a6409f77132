import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { ProgramsModule } from '../programs/programs.module';
import { AdoptUnscopedClaimsAtBoot } from './adopt-unscoped-claims.bootstrap';
import { ClaimsController } from './api/claims.controller';
import { ClaimsAdminController } from './api/claims-admin.controller';
import { AllowWalletHandler, DenyWalletsHandler } from './commands/deny-wallets/deny-wallets.handler';
import { ApproveClaimHandler, RejectClaimHandler } from './commands/review-claim/review-claim.handler';
import { ClaimLifecycle } from './claim-lifecycle.service';
import { CancelClaimHandler } from './commands/cancel-claim/cancel-claim.handler';
import { CreateClaimHandler } from './commands/create-claim/create-claim.handler';
import { CreateClaimsBatchHandler } from './commands/create-claims-batch/create-claims-batch.handler';
import { CreateSignedClaimHandler } from './commands/create-signed-claim/create-signed-claim.handler';
import { ClaimEntity, ClaimEventEntity } from './persistence/claim.entity';
import { ClaimsRepository } from './persistence/claims.repository';
import { DenylistRepository } from './persistence/denylist.repository';
import { IntakePolicy } from './intake-policy.service';
import { SignedClaimNonces } from './persistence/signed-claim-nonces.repository';
import { GetClaimEventsHandler } from './queries/get-claim-events/get-claim-events.handler';
import { GetClaimHandler } from './queries/get-claim/get-claim.handler';
import { ListClaimsHandler } from './queries/list-claims/list-claims.handler';
import { ExportClaimsHandler } from './queries/export-claims/export-claims.handler';

@Module({
  imports: [TypeOrmModule.forFeature([ClaimEntity, ClaimEventEntity]), LedgerModule, ProgramsModule],
  controllers: [ClaimsController, ClaimsAdminController],
  providers: [
    ClaimsRepository,
    DenylistRepository,
    IntakePolicy,
    ClaimLifecycle,
    AdoptUnscopedClaimsAtBoot,
    CreateClaimHandler,
    CreateClaimsBatchHandler,
    CreateSignedClaimHandler,
    SignedClaimNonces,
    CancelClaimHandler,
    ApproveClaimHandler,
    RejectClaimHandler,
    DenyWalletsHandler,
    AllowWalletHandler,
    GetClaimHandler,
    ListClaimsHandler,
    ExportClaimsHandler,
    GetClaimEventsHandler,
  ],
  exports: [ClaimLifecycle, DenylistRepository],
})
export class ClaimsModule {}
