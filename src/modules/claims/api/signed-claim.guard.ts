import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import type { AuthedRequest } from '../../../platform/auth/auth.guard';
import { createValidationPipe } from '../../../platform/errors/validation';
import { METRIC } from '../../../platform/metrics/metrics';
import { verifySignedClaim } from '../commands/create-signed-claim/signed-claim.eip712';
import { SignedClaimDto } from './claim.dto';

/**
 * Authenticates a `signed` principal (let through by AuthGuard without an API key): validates the signed
 * body (400 naming fields) and verifies its EIP-712 signature, that the signer is one of CLAIM_ISSUERS, and
 * the deadline (401, counted in `payrail_auth_failures_total{kind="signed"}`). On success the principal
 * carries the voucher's recipient and issuer, so the wallet rate limit and the idempotency scope that run
 * next rely on a voucher an issuer really signed.
 */
@Injectable()
export class SignedClaimGuard implements CanActivate {
  private readonly pipe = createValidationPipe();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectMetric(METRIC.authFailures) private readonly failures: Counter<string>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const who = req.principal;
    if (!who || who.kind !== 'signed' || who.wallet) return true;
    const body = (await this.pipe.transform(req.body, { type: 'body', metatype: SignedClaimDto })) as SignedClaimDto;
    try {
      const voucher = verifySignedClaim(
        this.config.signedClaimDomainName,
        this.config.chainId!,
        { wallet: body.wallet, token: body.token, amount: body.amount, reason: body.reason, nonce: body.nonce, deadline: body.deadline },
        body.signature,
        Math.floor(Date.now() / 1000),
        this.config.claimIssuers,
      );
      who.wallet = voucher.wallet;
      who.issuer = voucher.issuer;
    } catch (err) {
      this.failures.inc({ kind: 'signed' });
      throw err;
    }
    return true;
  }
}
