import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { ChainService } from '../../../../platform/chain/chain.service';
import { queryRows } from '../../../../platform/database/sql';
import { METRIC } from '../../../../platform/metrics/metrics';
import { SignerInFlightError, SignerNotFoundError } from '../../domain/admin.errors';
import { ResyncNonceCommand, ResyncResult } from './resync-nonce.command';

/**
 * Re-reads the chain's pending nonce into the signer row, holding the row lock (no nonce is allocated
 * meanwhile). Refused while payouts are in flight unless forced: their nonces would be handed out again.
 */
@CommandHandler(ResyncNonceCommand)
export class ResyncNonceHandler implements ICommandHandler<ResyncNonceCommand> {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly chain: ChainService,
    @InjectMetric(METRIC.nonceResyncs) private readonly resyncs: Counter<string>,
  ) {}

  async execute(cmd: ResyncNonceCommand): Promise<ResyncResult> {
    const result = await this.txHost.withTransaction(async () => {
      const tx = this.txHost.tx;
      const [row] = await queryRows<{ address: string; next_nonce: string }>(
        tx,
        `SELECT address, next_nonce::text FROM signers WHERE lower(address) = lower($1) AND chain_id = $2 FOR UPDATE`,
        [cmd.address, this.chain.chainId],
      );
      if (!row) throw new SignerNotFoundError(cmd.address);
      const [{ n }] = (await queryRows<{ n: number }>(
        tx,
        `SELECT count(*)::int AS n FROM payouts WHERE signer = $1 AND chain_id = $2 AND status = 'submitted'`,
        [row.address, this.chain.chainId],
      )) as [{ n: number }];
      if (n > 0 && !cmd.force) throw new SignerInFlightError(row.address, n);
      const pending = await this.chain.provider.getTransactionCount(row.address, 'pending');
      await tx.query(`UPDATE signers SET next_nonce = $3, updated_at = now() WHERE address = $1 AND chain_id = $2`, [
        row.address,
        this.chain.chainId,
        pending,
      ]);
      return { address: row.address, previous: Number(row.next_nonce), next: pending, inFlight: n };
    });
    this.resyncs.inc({ signer: result.address });
    return result;
  }
}
