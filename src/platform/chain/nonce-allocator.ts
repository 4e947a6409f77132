import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { queryRows } from '../database/sql';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * Nonces come from Postgres, never from memory (ARCHITECTURE §1.4). `allocate` must run inside the
 * transaction that stores the signed payout: the signer row stays locked until commit, and a rollback
 * returns the nonce, so no gap is ever left by a failed signing.
 */
@Injectable()
export class NonceAllocator {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get tx() {
    return this.txHost.tx;
  }

  /** Registers the signer with the chain's pending nonce, once. Existing rows are the source of truth. */
  async ensureSigner(address: string, chainId: number, chainPendingNonce: number): Promise<number> {
    await this.tx.query(
      `INSERT INTO signers (address, chain_id, next_nonce) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [address, chainId, chainPendingNonce],
    );
    const rows = await queryRows<{ next_nonce: string }>(this.tx, 
      `SELECT next_nonce FROM signers WHERE address = $1 AND chain_id = $2`,
      [address, chainId],
    );
    return Number(rows[0]!.next_nonce);
  }

  async allocate(address: string, chainId: number): Promise<number> {
    const rows = await queryRows<{ nonce: string }>(this.tx, 
      `UPDATE signers SET next_nonce = next_nonce + 1, updated_at = now()
        WHERE address = $1 AND chain_id = $2 RETURNING next_nonce - 1 AS nonce`,
      [address, chainId],
    );
    if (rows.length === 0) throw new Error(`signer ${address} is not registered for chain ${chainId}`);
    return Number(rows[0]!.nonce);
  }

  /** Locks the signer row (no nonce is allocated until the caller commits); null when unknown. */
  async lock(address: string, chainId: number): Promise<{ address: string; nextNonce: number } | null> {
    const [row] = await queryRows<{ address: string; next_nonce: string }>(
      this.tx,
      `SELECT address, next_nonce::text FROM signers WHERE lower(address) = lower($1) AND chain_id = $2 FOR UPDATE`,
      [address, chainId],
    );
    return row ? { address: row.address, nextNonce: Number(row.next_nonce) } : null;
  }

  /** Sets the next nonce (admin resync); call with the row locked by `lock` in the same transaction. */
  async setNext(address: string, chainId: number, next: number): Promise<void> {
    await this.tx.query(`UPDATE signers SET next_nonce = $3, updated_at = now() WHERE address = $1 AND chain_id = $2`, [address, chainId, next]);
  }
}
