import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { ChainService } from '../../platform/chain/chain.service';
import { NonceAllocator } from '../../platform/chain/nonce-allocator';
import { shortRpcReason, withRpcRetry } from '../../platform/chain/rpc-retry';
import { FundingSync } from './funding-sync.service';

/**
 * At boot: register every loaded signer (each active lane of a TREASURY_PRIVATE_KEYS pool, and the retired
 * keys) with the chain's pending nonce (first time only; afterwards Postgres is the source of truth), then
 * book the treasury's funding from the chain, per signer (each one's opening balance on a fresh database;
 * FundingSync keeps booking top-ups and outside withdrawals while the app runs).
 */
@Injectable()
export class TreasuryBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Treasury');

  constructor(
    private readonly chain: ChainService,
    private readonly nonces: NonceAllocator,
    private readonly funding: FundingSync,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cls.run(async () => {
      // every loaded key, retired ones too (a retired key registered here for the first time had no payouts)
      for (const address of this.chain.loadedSigners()) {
        // a transient RPC error (a hosted RPC's 5xx) must not end the boot: retried with backoff, like the preflight
        const next = await withRpcRetry(`reading the pending nonce of ${address}`, () =>
          this.txHost.withTransaction(async () => {
            await this.txHost.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payrail:treasury:${address}`]);
            const pending = await this.chain.provider.getTransactionCount(address, 'pending');
            return this.nonces.ensureSigner(address, this.chain.chainId, pending);
          }),
          (l) => this.logger.warn(l),
        );
        this.logger.log(`${this.chain.roleOf(address)} signer ${address} on chain ${this.chain.chainId}: next nonce ${next}`);
      }
      // not needed to pay (funds are checked against the chain): if the RPC fails it now, the chain watcher's
      // funding sync (every 3 s) books it; a boot must not fail on it
      await this.funding.sync().catch((err: unknown) =>
        this.logger.warn(`booking the treasury funding at boot failed (the chain watcher books it): ${shortRpcReason(err)}`),
      );
    });
  }
}
