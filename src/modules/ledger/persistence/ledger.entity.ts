import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('ledger_journals')
export class LedgerJournalEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') kind: string;
  @Column('text', { nullable: true }) ref: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('ledger_postings')
export class LedgerPostingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text', { name: 'journal_id' }) journalId: string;
  @Column('text') account: string;
  @Column('text') currency: string;
  /** signed integer string in base units: debit > 0, credit < 0 */
  @Column('numeric') amount: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
