import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ChainService } from '../../platform/chain/chain.service';
import { PayoutsRepository } from './persistence/payouts.repository';
import { Accounts, transfer } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';

/**
 * Posts the treasury's funding from the chain (API.md: equity:funding holds "the opening balance and later
 * top-ups, read from the chain"): when no payout of the signer is in flight, any excess of the on-chain
 * balance over the ledger's treasury:<token> is a top-up (debit treasury, credit equity:funding). It never
 * posts a shortfall: a payout that slips in between the two reads only lowers the chain balance, so a
 * top-up can be under-posted (and is completed by a later sync), never over-posted.
 */
@Injectable()
export class FundingSync {
  private readonly logger = new Logger('Funding');

  constructor(
    private readonly chain: ChainService,
    private readonly ledger: LedgerService,
    private readonly payouts: PayoutsRepository,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  /** Returns the tokens for which funding was posted. */
  async sync(): Promise<string[]> {
    const signer = this.chain.treasury.address;
    const posted: string[] = [];
    await this.txHost.withTransaction(async () => {
      // one process at a time decides funding for this signer (the boot-time opening uses the same lock)
      await this.txHost.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payrail:treasury:${signer}`]);
      if ((await this.payouts.countInFlight(signer, this.chain.chainId)) > 0) return; // unsettled outflows: the chain is ahead of the ledger
      const block = await this.chain.provider.getBlockNumber();
      for (const symbol of this.chain.tokenSymbols()) {
        const onChain = await this.chain.balanceOf(symbol, signer, block);
        const booked = await this.ledger.balance(Accounts.treasury(symbol), symbol);
        if (onChain <= booked) continue;
        const ok = await this.ledger.post(
          `funding:${this.chain.chainId}:${signer}:${symbol}:${block}`,
          'funding.topup',
          signer,
          transfer(Accounts.treasury(symbol), Accounts.funding(symbol), symbol, onChain - booked),
        );
        if (ok) {
          posted.push(symbol);
          this.logger.log(`treasury ${signer} funded with ${onChain - booked} base units of ${symbol} (block ${block})`);
        }
      }
    });
    return posted;
  }
}
