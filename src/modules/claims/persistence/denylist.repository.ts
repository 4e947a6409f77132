import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';

export interface DeniedWallet {
  address: string;
  reason: string;
  addedBy: string;
  addedAt: string;
}

/** The denylist table (API.md "Treasury controls"): checksummed addresses no claim is accepted or paid to. */
@Injectable()
export class DenylistRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private q<T>(sql: string, params: unknown[]): Promise<T[]> {
    return queryRows<T>(this.txHost.tx, sql, params);
  }

  /** Adds the addresses (one statement however many); returns those that were not listed yet. */
  async add(addresses: string[], reason: string, actor: string): Promise<string[]> {
    if (addresses.length === 0) return [];
    const rows = await this.q<{ address: string }>(
      `INSERT INTO denylist (address, reason, added_by) SELECT a, $2, $3 FROM unnest($1::text[]) AS a
       ON CONFLICT (address) DO NOTHING RETURNING address`,
      [addresses, reason, actor],
    );
    return rows.map((r) => r.address);
  }

  async remove(address: string): Promise<boolean> {
    return (await this.q<{ address: string }>(`DELETE FROM denylist WHERE address = $1 RETURNING address`, [address])).length > 0;
  }

  /** Which of `wallets` are denied (one indexed statement). */
  async deniedAmong(wallets: string[]): Promise<Set<string>> {
    if (wallets.length === 0) return new Set();
    const rows = await this.q<{ address: string }>(`SELECT address FROM denylist WHERE address = ANY($1::text[])`, [[...new Set(wallets)]]);
    return new Set(rows.map((r) => r.address));
  }

  async find(address: string): Promise<DeniedWallet | null> {
    return (await this.q<DeniedWallet>(`SELECT address, reason, added_by AS "addedBy", added_at AS "addedAt" FROM denylist WHERE address = $1`, [address]))[0] ?? null;
  }

  /** A page in address order after `after` (keyset), and the total. */
  async page(limit: number, after: string | null): Promise<{ items: DeniedWallet[]; total: number }> {
    const items = await this.q<DeniedWallet>(
      `SELECT address, reason, added_by AS "addedBy", added_at AS "addedAt" FROM denylist
        WHERE ($2::text IS NULL OR address > $2) ORDER BY address LIMIT $1`,
      [limit, after],
    );
    const [{ n }] = await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM denylist`, []) as [{ n: number }];
    return { items, total: n };
  }
}
