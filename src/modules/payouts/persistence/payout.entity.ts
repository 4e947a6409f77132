import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PayoutKind, PayoutStatus } from '../domain/payout-status';

@Entity('payouts')
export class PayoutEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'claim_ids', array: true }) claimIds: string[];
  @Column('text') token: string;
  /** transfer: one claim; batch: many claims in one batch-payout call; approve: the lane's approval of that contract */
  @Column('text') kind: PayoutKind;
  @Column('text') signer: string;
  @Column('int', { name: 'chain_id' }) chainId: number;
  @Column('bigint') nonce: string;
  @Column('text', { name: 'to_address' }) toAddress: string;
  @Column('numeric') value: string;
  @Column('text') data: string;
  @Column('numeric', { name: 'gas_limit' }) gasLimit: string;
  @Column('numeric', { name: 'max_fee_per_gas' }) maxFeePerGas: string;
  @Column('numeric', { name: 'max_priority_fee_per_gas' }) maxPriorityFeePerGas: string;
  @Column('text', { name: 'raw_tx' }) rawTx: string;
  @Column('text', { name: 'tx_hashes', array: true }) txHashes: string[];
  @Column('text') status: PayoutStatus;
  @Column('text', { name: 'mined_tx_hash', nullable: true }) minedTxHash: string | null;
  @Column('bigint', { name: 'block_number', nullable: true }) blockNumber: string | null;
  @Column('text', { name: 'block_hash', nullable: true }) blockHash: string | null;
  @Column('numeric', { name: 'gas_used', nullable: true }) gasUsed: string | null;
  @Column('numeric', { name: 'effective_gas_price', nullable: true }) effectiveGasPrice: string | null;
  @Column('int', { name: 'broadcast_attempts' }) broadcastAttempts: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'broadcast_at', nullable: true }) broadcastAt: Date | null;
  @Column('timestamptz', { name: 'confirmed_at', nullable: true }) confirmedAt: Date | null;
  @Column('int', { name: 'last_broadcast_block', nullable: true }) lastBroadcastBlock: number | null;
  @Column('int') replacements: number;
  @Column('text', { name: 'cancel_tx_hash', nullable: true }) cancelTxHash: string | null;
  @Column('text', { name: 'cancel_raw_tx', nullable: true }) cancelRawTx: string | null;
  /** settlements a reorg took back; names the journals of the next settlement */
  @Column('int') reorgs: number;
  @Column('timestamptz', { name: 'finalized_at', nullable: true }) finalizedAt: Date | null;
}

@Entity('signers')
export class SignerEntity {
  @PrimaryColumn('text') address: string;
  @PrimaryColumn('int', { name: 'chain_id' }) chainId: number;
  @Column('bigint', { name: 'next_nonce' }) nextNonce: string;
}
