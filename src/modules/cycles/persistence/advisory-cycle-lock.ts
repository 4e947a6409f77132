import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CycleLock } from '../domain/cycle-lock';
import { groupLockKey } from '../domain/group-lock-key';
import { CyclesRepository } from './cycles.repository';

/**
 * `pg_advisory_xact_lock` on the group's 64-bit key (transaction-scoped, so pool-safe: it is released at
 * commit or rollback, never left on a pooled connection), then the group's row FOR UPDATE.
 */
@Injectable()
export class AdvisoryCycleLock extends CycleLock {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly repo: CyclesRepository,
  ) {
    super();
  }

  async acquire(groupId: string): Promise<void> {
    if (!this.txHost.isTransactionActive()) throw new Error('CycleLock.acquire needs a transaction (the lock is transaction-scoped)');
    await this.txHost.tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [groupLockKey(groupId)]);
    await this.repo.lockGroupRow(groupId);
  }
}
