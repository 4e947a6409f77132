import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { ChainService } from '../../platform/chain/chain.service';
import { ClaimLifecycle } from './claim-lifecycle.service';

/**
 * At boot: claims created before claims carried a chain (`chain_id` NULL) become this process's chain's, so
 * its workers lease them and its sweeper sees them. Before the column existed a database served one chain.
 */
@Injectable()
export class AdoptUnscopedClaimsAtBoot implements OnApplicationBootstrap {
  private readonly logger = new Logger('Claims');

  constructor(
    private readonly claims: ClaimLifecycle,
    private readonly chain: ChainService,
    private readonly cls: ClsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const adopted = await this.cls.run(() => this.claims.adoptUnscoped());
    if (adopted > 0) this.logger.log(`${adopted} claim(s) without a chain adopted by chain ${this.chain.chainId}`);
  }
}
