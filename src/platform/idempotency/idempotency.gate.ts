import { Injectable, SetMetadata } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { PendingOutcome } from './idempotency.interceptor';

/** Route metadata: the handler may start while the key's claim is still on its way to Postgres. */
export const RUNS_BEFORE_KEY_CLAIMED = 'payrail:idempotency-runs-before-key-claimed';

/**
 * Opt-in for a keyed route whose handler does nothing before its transaction commits except writes in that
 * transaction, and calls `IdempotencyGate.pass()` inside the transaction just before it commits. The
 * handler then runs while the key's claim is in flight (its round trip overlaps validation and the
 * transaction's own statements), and commits only once the claim is known to be this request's; otherwise
 * the transaction rolls back and the interceptor answers for the key (replay, 409 or 422). See ADR 0004.
 */
export const RunsBeforeKeyClaimed = (): MethodDecorator => SetMetadata(RUNS_BEFORE_KEY_CLAIMED, true);

/** Thrown by `pass()` when the key is not this request's: its transaction rolls back. */
export class IdempotencyKeyNotHeld extends Error {
  constructor() {
    super('the Idempotency-Key is not held by this request: its transaction was rolled back');
  }
}

const GATE = 'payrail:idempotency-gate';

@Injectable()
export class IdempotencyGate {
  constructor(private readonly cls: ClsService) {}

  /** Set by the interceptor for a request on an opted-in route; false without a CLS context (then not opened). */
  open(claim: Promise<PendingOutcome>): boolean {
    if (!this.cls.isActive()) return false;
    this.cls.set(GATE, claim);
    return true;
  }

  /**
   * Call inside the transaction, right before it commits: waits for the key's claim (if this request has a
   * key on an opted-in route) and throws unless this request holds it. A no-op everywhere else.
   */
  async pass(): Promise<void> {
    if (!this.cls.isActive()) return;
    const claim = this.cls.get<Promise<PendingOutcome> | undefined>(GATE);
    if (!claim) return;
    if ((await claim).kind !== 'claimed') throw new IdempotencyKeyNotHeld();
  }
}
