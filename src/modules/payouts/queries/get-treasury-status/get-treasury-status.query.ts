import { Query } from '@nestjs/cqrs';

export interface TreasuryStatus {
  signer: string;
  /** claims of these tokens wait for funds (status pending, not failed) */
  alerts: { token: string; reason: string; since: string; /** with a pool of lanes: whose funds are short */ signer?: string }[];
  /** payouts paused (admin or breaker): `token` `*` = every token */
  paused: { token: string; reason: string; since: string }[];
}

export class GetTreasuryStatusQuery extends Query<TreasuryStatus> {}
