import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';

/** EIP-712 nonces spent per wallet (UNIQUE (wallet, nonce)); written in the claim's transaction. */
@Injectable()
export class SignedClaimNonces {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** false when this wallet already spent this nonce. */
  async spend(wallet: string, nonce: bigint, claimId: string): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      `INSERT INTO signed_claim_nonces (wallet, nonce, claim_id) VALUES ($1, $2, $3)
       ON CONFLICT (wallet, nonce) DO NOTHING RETURNING nonce`,
      [wallet.toLowerCase(), nonce.toString(), claimId],
    );
    return rows.length === 1;
  }
}
