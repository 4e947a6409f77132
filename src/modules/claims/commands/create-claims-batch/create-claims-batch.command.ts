import { Command } from '@nestjs/cqrs';
import type { Problem } from '../../../../platform/errors/problem';
import type { ClaimView } from '../../domain/claim.view';

/** API.md "Bulk intake": at most this many claims per request. */
export const BATCH_MAX_ITEMS = 1000;

export interface BatchItemOutcome {
  index: number;
  status: 200 | 201 | 400 | 403 | 404 | 409 | 422 | 429;
  claim?: ClaimView;
  problem?: Problem;
}

export interface CreateClaimsBatchResult {
  items: BatchItemOutcome[];
}

export class CreateClaimsBatchCommand extends Command<CreateClaimsBatchResult> {
  constructor(
    /** the request's `claims`, unvalidated: each is checked and answered on its own */
    readonly items: unknown[],
    /** the API key name: every claim created is this key's */
    readonly client: string,
    readonly actor: string,
  ) {
    super();
  }
}
