import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Schema: migrations/1732510000000-WebhooksAndCycles.ts. Reads and writes go through CyclesRepository (SQL). */
@Entity('savings_groups')
export class SavingsGroupEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') token: string;
  @Column('int') decimals: number;
  @Column('numeric', { name: 'contribution_base' }) contributionBase: string;
  @Column('int', { name: 'member_count' }) memberCount: number;
  @Column('int', { name: 'current_cycle' }) currentCycle: number;
  @Column('text', { name: 'created_by' }) createdBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn('uuid', { name: 'group_id' }) groupId: string;
  @PrimaryColumn('int') position: number;
  @Column('text') wallet: string;
}

@Entity('cycle_contributions')
export class CycleContributionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'group_id' }) groupId: string;
  @Column('int', { name: 'cycle_number' }) cycleNumber: number;
  @Column('text') wallet: string;
  @Column('numeric', { name: 'amount_base' }) amountBase: string;
  @Column('text') provider: string;
  @Column('text', { name: 'source_event' }) sourceEvent: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity('cycle_payouts')
export class CyclePayoutEntity {
  @PrimaryColumn('uuid', { name: 'group_id' }) groupId: string;
  @PrimaryColumn('int', { name: 'cycle_number' }) cycleNumber: number;
  @Column('text') wallet: string;
  @Column('numeric', { name: 'amount_base' }) amountBase: string;
  @Column('uuid', { name: 'claim_id' }) claimId: string;
  @Column('text', { name: 'completed_by' }) completedBy: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  /** claims an admin repay replaced (failed or cancelled), oldest first; `claimId` is the current one */
  @Column('uuid', { name: 'previous_claim_ids', array: true }) previousClaimIds: string[];
}
