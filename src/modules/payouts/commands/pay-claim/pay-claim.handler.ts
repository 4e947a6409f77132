import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { TransactionHost } from '@nestjs-cls/transactional';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { ChainService, ERC20 } from '../../../../platform/chain/chain.service';
import { crashIf } from '../../../../platform/chain/crash-point';
import { NonceAllocator } from '../../../../platform/chain/nonce-allocator';
import { ClaimLifecycle } from '../../../claims/claim-lifecycle.service';
import { ClaimEntity } from '../../../claims/persistence/claim.entity';
import { BroadcastFailedError, Broadcaster } from '../../broadcaster.service';
import { rpcErrorMessage } from '../../domain/rpc-errors';
import { FundsGuard } from '../../funds-guard.service';
import { PayoutSubmittedEvent } from '../../events/payout-submitted.event';
import { PayoutEntity } from '../../persistence/payout.entity';
import { PayoutsRepository } from '../../persistence/payouts.repository';
import { PayoutSigner } from '../../lanes/payout-signer';
import { PayClaimCommand, PayClaimOutcome } from './pay-claim.command';

interface Draft {
  to: string;
  value: bigint;
  data: string;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

class InsufficientFundsError extends Error {}

export class LeaseLostError extends Error {
  constructor(claimId: string) {
    super(`lease on claim ${claimId} lost before signing; nothing was sent`);
  }
}

/**
 * Pays one claim (ARCHITECTURE §1.3-1.4): lease the claim; read fees (outside any transaction); then in ONE
 * transaction allocate the nonce from Postgres, check funds, sign, store the payout with its raw tx and hash,
 * and move the claim to `submitted` (only while our lease holds). Only after commit, broadcast. A claim
 * already `submitted` is never signed again: its stored raw tx is re-sent.
 *
 * The job's work ends when the payout is stored. A broadcast that fails after commit is recorded on the
 * payout and the job completes (`stored-broadcast-failed`): what happens on chain is the watcher's (it
 * re-sends a payout the node does not know, and drops and re-issues one whose nonce a foreign transaction
 * took). Failing the job instead would burn its attempts and dead-letter a claim the watcher may re-issue.
 */
@CommandHandler(PayClaimCommand)
export class PayClaimHandler implements ICommandHandler<PayClaimCommand> {
  private readonly logger = new Logger('PayClaim');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly txHost: TransactionHost,
    private readonly claims: ClaimLifecycle,
    private readonly payouts: PayoutsRepository,
    private readonly chain: ChainService,
    private readonly nonces: NonceAllocator,
    private readonly broadcaster: Broadcaster,
    private readonly funds: FundsGuard,
    private readonly signer: PayoutSigner,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: PayClaimCommand): Promise<PayClaimOutcome> {
    const leased = await this.txHost.withTransaction(() => this.claims.lease(cmd.claimId, cmd.worker, this.config.leaseSeconds));
    if (!leased) return this.resume(cmd.claimId);

    let draft: Draft;
    try {
      draft = await this.draft(leased);
    } catch (err) {
      await this.giveBack(leased.id, cmd.worker, `prepare failed: ${rpcErrorMessage(err)}`);
      throw err;
    }

    const signer = this.signer.active;
    let payout;
    try {
      payout = await this.txHost.withTransaction(async () => {
        const nonce = await this.nonces.allocate(signer, this.chain.chainId);
        crashIf(this.config.crashAt, 'after-nonce');
        const shortfall = await this.funds.shortfall(leased.token, BigInt(leased.amountBase), draft.value, draft.gasLimit * draft.maxFeePerGas);
        if (shortfall) throw new InsufficientFundsError(shortfall); // rolls back: the nonce is returned
        const { rawTx, txHash } = await this.signer.sign(signer, {
          nonce,
          to: draft.to,
          value: draft.value,
          data: draft.data,
          gasLimit: draft.gasLimit,
          maxFeePerGas: draft.maxFeePerGas,
          maxPriorityFeePerGas: draft.maxPriorityFeePerGas,
        });
        const id = randomUUID();
        await this.payouts.insert({
          id,
          claimIds: [leased.id],
          token: leased.token,
          signer,
          chainId: this.chain.chainId,
          nonce,
          ...draft,
          toAddress: draft.to,
          rawTx,
          txHash,
        });
        const moved = await this.claims.markSubmitted([leased.id], cmd.worker, id, txHash, nonce);
        if (moved !== 1) throw new LeaseLostError(leased.id); // rolls back: the nonce is returned
        return (await this.payouts.findById(id))!;
      });
    } catch (err) {
      if (err instanceof InsufficientFundsError) {
        await this.giveBack(leased.id, cmd.worker, err.message);
        await this.payouts.setAlert(signer, leased.token, err.message);
        this.logger.warn(`claim ${leased.id} waits for funds: ${err.message}`);
        return 'waiting-for-funds';
      }
      if (!(err instanceof LeaseLostError)) await this.giveBack(leased.id, cmd.worker, `sign failed: ${rpcErrorMessage(err)}`);
      throw err;
    }
    await this.payouts.setAlert(signer, leased.token, null);
    crashIf(this.config.crashAt, 'after-persist');

    if (!(await this.send(payout))) return 'stored-broadcast-failed';
    this.events.publish(new PayoutSubmittedEvent(payout.id, payout.claimIds, payout.txHashes[payout.txHashes.length - 1]!)); // outbound webhooks
    crashIf(this.config.crashAt, 'after-broadcast');
    return 'paid';
  }

  /** Broadcasts a stored payout; false when that failed (recorded on the payout, left to the chain watcher). */
  private async send(payout: PayoutEntity): Promise<boolean> {
    try {
      await this.broadcaster.broadcast(payout);
      return true;
    } catch (err) {
      // BroadcastFailedError is already on the payout (lastError) and the claim; anything else (e.g. the
      // database while recording a success) leaves broadcast_at unset, so the watcher re-sends it
      if (!(err instanceof BroadcastFailedError)) this.logger.warn(`payout ${payout.id} stored; its broadcast is left to the chain watcher: ${rpcErrorMessage(err)}`);
      return false;
    }
  }

  private giveBack(claimId: string, worker: string, reason: string): Promise<void> {
    return this.txHost.withTransaction(() => this.claims.release(claimId, worker, reason));
  }

  /** The claim was not leasable: finish what an earlier attempt started, or leave it to its owner. */
  private async resume(claimId: string): Promise<PayClaimOutcome> {
    const claim = await this.claims.find(claimId);
    if (!claim) return 'nothing-to-do';
    if (claim.status === 'submitted' && claim.payoutId) {
      const payout = await this.payouts.findById(claim.payoutId);
      if (payout && payout.status === 'submitted') {
        // the stored bytes again (same nonce, same hash), never a new signature
        return (await this.send(payout)) ? 'rebroadcast' : 'stored-broadcast-failed';
      }
    }
    return claim.status === 'processing' ? 'leased-elsewhere' : 'nothing-to-do';
  }

  private async draft(claim: ClaimEntity): Promise<Draft> {
    const token = this.chain.token(claim.token);
    if (!token) throw new Error(`token ${claim.token} is no longer configured`);
    const fees = await this.chain.provider.getFeeData();
    const maxPriorityFeePerGas = fees.maxPriorityFeePerGas ?? 1_000_000_000n;
    const maxFeePerGas = fees.maxFeePerGas ?? (fees.gasPrice ?? 1_000_000_000n) * 2n;
    const amount = BigInt(claim.amountBase);
    if (token.address === null) {
      return { to: claim.wallet, value: amount, data: '0x', gasLimit: 21_000n, maxFeePerGas, maxPriorityFeePerGas };
    }
    const data = ERC20.encodeFunctionData('transfer', [claim.wallet, amount]);
    // Fixed cap for a plain ERC-20 transfer (about 51k to a fresh holder): an estimate would revert, and
    // so fail, whenever the treasury is short, which must make the claim wait instead.
    return { to: token.address, value: 0n, data, gasLimit: 100_000n, maxFeePerGas, maxPriorityFeePerGas };
  }
}
