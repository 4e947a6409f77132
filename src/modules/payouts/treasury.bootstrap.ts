import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { ChainService } from '../../platform/chain/chain.service';
import { NonceAllocator } from '../../platform/chain/nonce-allocator';
import { Accounts, transfer } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';

/**
 * At boot: register the treasury signer with the chain's pending nonce (first time only; afterwards
 * Postgres is the source of truth), and post the treasury's opening balance per token as funding
 * (equity:funding -> treasury), once per signer and token.
 */
@Injectable()
export class TreasuryBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Treasury');

  constructor(
    private readonly chain: ChainService,
    private readonly nonces: NonceAllocator,
    private readonly ledger: LedgerService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const address = this.chain.treasury.address;
    await this.cls.run(() =>
      this.txHost.withTransaction(async () => {
        // one booting process at a time decides the opening figures
        await this.txHost.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payrail:treasury:${address}`]);
        const pending = await this.chain.provider.getTransactionCount(address, 'pending');
        const next = await this.nonces.ensureSigner(address, this.chain.chainId, pending);
        for (const symbol of this.chain.tokenSymbols()) {
          const balance = await this.chain.balanceOf(symbol, address);
          if (balance === 0n) continue;
          const posted = await this.ledger.post(
            `funding:opening:${this.chain.chainId}:${address}:${symbol}`,
            'funding.opening',
            address,
            transfer(Accounts.treasury(symbol), Accounts.funding(symbol), symbol, balance),
          );
          if (posted) this.logger.log(`opening balance of ${symbol} posted for treasury ${address}`);
        }
        this.logger.log(`treasury ${address} on chain ${this.chain.chainId}: next nonce ${next}`);
      }),
    );
  }
}
