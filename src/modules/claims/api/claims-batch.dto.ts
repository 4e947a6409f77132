import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { ProblemDto } from '../../../platform/errors/problem.dto';
import { BATCH_MAX_ITEMS } from '../commands/create-claims-batch/create-claims-batch.command';
import { ClaimDto, CreateClaimDto } from './claim.dto';

/**
 * POST /v1/claims/batch. Only the envelope is validated here: each item is checked by the command, against
 * the same CreateClaimDto rules, and a bad item is answered in its own slot (400) instead of refusing the rest.
 */
export class CreateClaimsBatchDto {
  @ApiProperty({
    type: [CreateClaimDto],
    minItems: 1,
    maxItems: BATCH_MAX_ITEMS,
    description: `1 to ${BATCH_MAX_ITEMS} claims, each \`{wallet, token, amount, reason}\` as for POST /v1/claims; answered one by one, in order`,
  })
  @IsArray({ message: `must be an array of 1 to ${BATCH_MAX_ITEMS} claims` })
  @ArrayMinSize(1, { message: `must hold 1 to ${BATCH_MAX_ITEMS} claims` })
  @ArrayMaxSize(BATCH_MAX_ITEMS, { message: `must hold 1 to ${BATCH_MAX_ITEMS} claims` })
  @IsObject({ each: true, message: 'each claim must be a JSON object' })
  claims: unknown[];
}

export class ClaimsBatchItemDto {
  @ApiProperty({ example: 0, description: 'the position of the item in `claims` (items answer in request order)' })
  index: number;

  @ApiProperty({
    enum: [200, 201, 400, 403, 409, 422, 429],
    example: 201,
    description:
      'what POST /v1/claims would have answered for this item: 201 new claim; 200 the entitlement already had a claim of ' +
      'this key (or an earlier item of the same request made it): that claim (`held` above APPROVAL_ABOVE); 400 the item is invalid; ' +
      '403 its wallet is on the denylist (CLAIM.WALLET_DENIED); 409 the ' +
      'entitlement has a claim of another key (CLAIM.CLAIMED_BY_ANOTHER_CLIENT); 422 its amount is above LIMIT_PER_CLAIM ' +
      '(CLAIM.OVER_LIMIT); 429 its wallet is over ' +
      'RL_CLAIMS_PER_HOUR_WALLET',
  })
  status: number;

  @ApiPropertyOptional({ type: ClaimDto, description: 'with 200 and 201' })
  claim?: ClaimDto;

  @ApiPropertyOptional({ type: ProblemDto, description: 'with 400, 403, 409, 422 and 429: the RFC 9457 problem POST /v1/claims would have answered' })
  problem?: ProblemDto;
}

export class ClaimsBatchResultDto {
  @ApiProperty({ type: [ClaimsBatchItemDto] })
  items: ClaimsBatchItemDto[];
}
