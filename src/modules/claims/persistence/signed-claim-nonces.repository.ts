import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { queryRows } from '../../../platform/database/sql';

/**
 * EIP-712 voucher nonces spent per ISSUER (UNIQUE (issuer, nonce)); written in the claim's transaction.
 * `wallet` is kept as the voucher's recipient. Rows from before vouchers (a wallet signing its own claim)
 * carry their wallet as issuer: that wallet was the signer.
 */
@Injectable()
export class SignedClaimNonces {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** false when this issuer already spent this nonce (on any wallet). */
  async spend(issuer: string, nonce: bigint, wallet: string, claimId: string): Promise<boolean> {
    const rows = await queryRows(
      this.txHost.tx,
      `INSERT INTO signed_claim_nonces (issuer, nonce, wallet, claim_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (issuer, nonce) DO NOTHING RETURNING nonce`,
      [issuer.toLowerCase(), nonce.toString(), wallet.toLowerCase(), claimId],
    );
    return rows.length === 1;
  }
}
