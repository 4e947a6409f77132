import { InjectQueue } from '@nestjs/bullmq';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Queue } from 'bullmq';
import { ChainService } from '../../../../platform/chain/chain.service';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { ClaimNotFoundError } from '../../../claims/domain/claim.errors';
import { ClaimNotRequeueableError } from '../../domain/admin.errors';
import { classifyBroadcastError, rpcErrorMessage } from '../../domain/rpc-errors';
import { DEAD_LETTER_QUEUE, DeadLetterData } from '../../jobs/dead-letter.job';
import { PaymentQueue } from '../../jobs/payment-queue';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { bump } from '../../replacer.service';
import { PayoutSigner } from '../../lanes/payout-signer';
import { RequeueClaimCommand, RequeueResult } from './requeue-claim.command';

/**
 * Admin requeue, never a second payment: a pending claim (or one whose lease expired) gets a fresh job;
 * a submitted claim whose payout is provably not mined and whose nonce is not consumed gets its nonce
 * taken by a 0-value self-transfer (same nonce, higher fees). Once that is mined at depth, the chain
 * watcher sees the nonce consumed by a transaction that is not a payout hash and gives the claim back to
 * pending for a new payout; if the original transfer wins the race instead, it settles as usual.
 */
@CommandHandler(RequeueClaimCommand)
export class RequeueClaimHandler implements ICommandHandler<RequeueClaimCommand> {
  constructor(
    private readonly claims: ClaimLifecycle,
    private readonly payouts: PayoutsRepository,
    private readonly payments: PaymentQueue,
    private readonly chain: ChainService,
    private readonly signer: PayoutSigner,
    private readonly txHost: TransactionHost,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue<DeadLetterData>,
  ) {}

  async execute(cmd: RequeueClaimCommand): Promise<RequeueResult> {
    const claim = await this.claims.find(cmd.claimId);
    if (!claim) throw new ClaimNotFoundError(cmd.claimId);
    switch (claim.status) {
      case 'pending':
        return this.fresh(claim.id);
      case 'processing':
        if (claim.leaseUntil && new Date(claim.leaseUntil).getTime() > Date.now()) {
          throw new ClaimNotRequeueableError(`Claim ${claim.id} is leased by ${claim.leaseOwner} until ${new Date(claim.leaseUntil).toISOString()}`);
        }
        await this.txHost.withTransaction(() => this.claims.reclaimExpired(claim.id));
        return this.fresh(claim.id);
      case 'submitted':
        return this.cancelNonce(claim.id, claim.payoutId!);
      case 'held':
        throw new ClaimNotRequeueableError(`Claim ${claim.id} is held: approve it (POST /v1/admin/claims/${claim.id}/approve) or reject it`);
      case 'completed':
      case 'failed':
      case 'cancelled':
        throw new ClaimNotRequeueableError(`Claim ${claim.id} is ${claim.status}`);
    }
  }

  private async fresh(claimId: string): Promise<RequeueResult> {
    await this.payments.reissue(claimId);
    return { claimId, action: 'enqueued' };
  }

  private async cancelNonce(claimId: string, payoutId: string): Promise<RequeueResult> {
    const p = await this.payouts.findById(payoutId);
    if (!p || p.status !== 'submitted') throw new ClaimNotRequeueableError(`Payout ${payoutId} is not in flight`);
    if (!this.signer.canSign(p.signer)) {
      throw new ClaimNotRequeueableError(`Payout ${p.id} was signed by ${p.signer}, whose key is not loaded: load it in RETIRED_TREASURY_KEYS to cancel it`);
    }
    for (const hash of p.txHashes) {
      if (await this.chain.provider.getTransactionReceipt(hash)) {
        throw new ClaimNotRequeueableError(`Payout ${p.id} is mined (${hash}); it settles on its own`);
      }
    }
    if ((await this.chain.provider.getTransactionCount(p.signer, 'latest')) > Number(p.nonce)) {
      throw new ClaimNotRequeueableError(`Nonce ${p.nonce} is already consumed; the chain watcher resolves this payout`);
    }
    // Written ahead, like every payout: the cancel is signed with the payout's own key and stored (its hash
    // too, so its gas is booked when the nonce is found consumed) before it is sent. A retry re-sends the
    // stored bytes; it never signs a second cancel.
    let raw = p.cancelRawTx;
    let cancelTxHash = p.cancelTxHash;
    if (!raw || !cancelTxHash) {
      const signed = await this.signer.sign(p.signer, {
        nonce: Number(p.nonce),
        to: p.signer,
        value: 0n,
        data: '0x',
        gasLimit: 21_000n,
        maxFeePerGas: bump(bump(BigInt(p.maxFeePerGas))),
        maxPriorityFeePerGas: bump(bump(BigInt(p.maxPriorityFeePerGas))),
      });
      raw = signed.rawTx;
      cancelTxHash = signed.txHash;
      const stored = await this.txHost.withTransaction(async () => {
        if (!(await this.payouts.setCancelTx(p.id, raw!, cancelTxHash!))) return false;
        await this.claims.recordEvent(p.claimIds, 'submitted', 'admin', { requeue: 'nonce cancelled by a 0-value self-transfer', cancelTxHash, nonce: Number(p.nonce) });
        return true;
      });
      if (!stored) throw new ClaimNotRequeueableError(`Payout ${p.id} changed while its cancel was prepared; try again`);
    }
    try {
      await this.chain.provider.broadcastTransaction(raw);
    } catch (err) {
      if (classifyBroadcastError(err) !== 'already-known') {
        throw new ClaimNotRequeueableError(`The stored cancelling transaction ${cancelTxHash} was refused (a retry re-sends it): ${rpcErrorMessage(err)}`);
      }
    }
    return { claimId, action: 'cancel-broadcast', cancelTxHash };
  }
}
