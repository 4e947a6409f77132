import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClaimStatus } from '../domain/claim-status';

@Entity('claims')
export class ClaimEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'idempo_key' }) idempoKey: string;
  @Column('text') wallet: string;
  @Column('text') token: string;
  @Column('numeric', { name: 'amount_base' }) amountBase: string;
  @Column('int') decimals: number;
  @Column('text') reason: string;
  @Column('text') client: string;
  /** the chain the claim is paid on; null only for a claim created before claims had one (adopted at boot) */
  @Column('int', { name: 'chain_id', nullable: true }) chainId: number | null;
  @Column('text') status: ClaimStatus;
  @Column('int') attempts: number;
  @Column('text', { name: 'tx_hash', nullable: true }) txHash: string | null;
  @Column('uuid', { name: 'payout_id', nullable: true }) payoutId: string | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('text', { name: 'lease_owner', nullable: true }) leaseOwner: string | null;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'processed_at', nullable: true }) processedAt: Date | null;
  /** the largest batch this claim may go out in (set when a batch carrying it reverted); null = any */
  @Column('int', { name: 'max_batch', nullable: true }) maxBatch: number | null;
  /** the program whose budget pays it (API.md "Programs"); null = none */
  @Column('uuid', { name: 'program_id', nullable: true }) programId: string | null;
}

@Entity('claim_events')
export class ClaimEventEntity {
  @PrimaryColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'claim_id' }) claimId: string;
  @Column('timestamptz') at: Date;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus: string | null;
  @Column('text', { name: 'to_status' }) toStatus: string;
  @Column('text') actor: string;
  @Column('jsonb') detail: Record<string, unknown>;
}
