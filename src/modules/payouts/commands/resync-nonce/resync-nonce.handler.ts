import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { ChainService } from '../../../../platform/chain/chain.service';
import { NonceAllocator } from '../../../../platform/chain/nonce-allocator';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { METRIC } from '../../../../platform/metrics/metrics';
import { NonceHeldByPayoutError, SignerInFlightError, SignerNotFoundError } from '../../domain/admin.errors';
import { ResyncNonceCommand, ResyncResult } from './resync-nonce.command';

/**
 * Re-reads the chain's pending nonce into the signer row, holding the row lock (no nonce is allocated
 * meanwhile). Refused while payouts are in flight unless forced: their nonces would be handed out again.
 * Refused even when forced if a stored payout of this chain holds the new nonce or one above it: the unique
 * (signer, chain, nonce) constraint would refuse every new payout and the signer would stall.
 */
@CommandHandler(ResyncNonceCommand)
export class ResyncNonceHandler implements ICommandHandler<ResyncNonceCommand> {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly chain: ChainService,
    private readonly nonces: NonceAllocator,
    private readonly payouts: PayoutsRepository,
    @InjectMetric(METRIC.nonceResyncs) private readonly resyncs: Counter<string>,
  ) {}

  async execute(cmd: ResyncNonceCommand): Promise<ResyncResult> {
    const result = await this.txHost.withTransaction(async () => {
      const signer = await this.nonces.lock(cmd.address, this.chain.chainId);
      if (!signer) throw new SignerNotFoundError(cmd.address);
      const inFlight = await this.payouts.countInFlight(signer.address, this.chain.chainId);
      if (inFlight > 0 && !cmd.force) throw new SignerInFlightError(signer.address, inFlight);
      const pending = await this.chain.provider.getTransactionCount(signer.address, 'pending');
      const held = await this.payouts.lowestHoldingFrom(signer.address, this.chain.chainId, pending);
      if (held) throw new NonceHeldByPayoutError(signer.address, pending, held);
      await this.nonces.setNext(signer.address, this.chain.chainId, pending);
      return { address: signer.address, previous: signer.nextNonce, next: pending, inFlight };
    });
    this.resyncs.inc({ signer: result.address });
    return result;
  }
}
