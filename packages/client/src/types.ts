import type { components } from './schema';

/** The main schemas of the API under short names (all generated: see schema.d.ts). */
type S = components['schemas'];
export type Claim = S['ClaimDto'];
export type ClaimStatus = Claim['status'];
export type ClaimEvent = S['ClaimEventDto'];
export type CreateClaim = S['CreateClaimDto'];
export type SignedClaim = S['SignedClaimDto'];
export type ClaimsBatchResult = S['ClaimsBatchResultDto'];
export type ClaimsBatchItem = S['ClaimsBatchItemDto'];
export type Payout = S['PayoutDto'];
export type Balance = S['BalanceDto'];
export type TrialBalance = S['TrialBalanceDto'];
export type Group = S['GroupDto'];
export type WebhookEndpoint = S['WebhookEndpointDto'];
export type CreatedWebhookEndpoint = S['CreatedWebhookEndpointDto'];
export type Delivery = S['DeliveryDto'];
export type Signer = S['SignerDto'];
/** RFC 9457 problem details: every 4xx/5xx body. */
export type Problem = S['ProblemDto'];
export type FieldError = S['FieldErrorDto'];
