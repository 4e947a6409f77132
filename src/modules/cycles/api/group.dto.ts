import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { CLAIM_STATUSES } from '../../claims/domain/claim-status';

export class CreateGroupDto {
  @ApiProperty({ example: 'Tuesday tontine', minLength: 1, maxLength: 200 })
  @IsString({ message: 'must be a string' })
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'must not contain control characters' })
  name: string;

  @ApiProperty({ example: 'USDC', description: 'token symbol from the configured list (ETH = native)' })
  @IsString({ message: 'must be a token symbol string' })
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'must be a token symbol such as USDC or ETH' })
  token: string;

  @ApiProperty({ example: '25', description: 'what each member pays per cycle; decimal string in token units' })
  @IsString({ message: 'must be a decimal string such as "25"' })
  contributionAmount: string;

  @ApiProperty({
    type: [String],
    minItems: 2,
    maxItems: 100,
    example: ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'],
    description: 'member wallets, distinct (checksum verified when mixed case); cycle N pays members[(N-1) mod length]',
  })
  @IsArray({ message: 'must be an array of wallet addresses' })
  @ArrayMinSize(2, { message: 'must have at least 2 members' })
  @ArrayMaxSize(100, { message: 'must have at most 100 members' })
  @IsString({ each: true, message: 'each member must be a 0x-prefixed 20-byte hex address' })
  @Matches(/^0x[0-9a-fA-F]{40}$/, { each: true, message: 'each member must be a 0x-prefixed 20-byte hex address' })
  members: string[];
}

class ContributionDto {
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }) wallet: string;
  @ApiProperty({ example: '25' }) amount: string;
  @ApiProperty({ example: '25000000' }) amountBase: string;
  @ApiProperty({ example: 'acme' }) provider: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

class PastCycleDto {
  @ApiProperty({ example: 1 }) cycle: number;
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }) wallet: string;
  @ApiProperty({ example: '75' }) amount: string;
  @ApiProperty({ example: '75000000' }) amountBase: string;
  @ApiProperty({
    format: 'uuid',
    description: 'the payout claim (client `cycle`, reason `cycle:<groupId>:<cycle>`, or `cycle:<groupId>:<cycle>:repay:<k>` after an admin repay)',
  })
  claimId: string;
  @ApiProperty({
    enum: CLAIM_STATUSES,
    description: "the payout claim's status; `failed` or `cancelled` stays visible until an admin repays the cycle (POST /v1/admin/groups/{id}/cycles/{n}/repay)",
  })
  claimStatus: string;
  @ApiProperty({ type: [String], description: 'failed or cancelled payout claims an admin repay replaced, oldest first' })
  previousClaimIds: string[];
  @ApiProperty({ format: 'date-time' }) completedAt: string;
}

export class GroupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Tuesday tontine' }) name: string;
  @ApiProperty({ example: 'USDC' }) token: string;
  @ApiProperty({ example: '25' }) contributionAmount: string;
  @ApiProperty({ example: '25000000' }) contributionAmountBase: string;
  @ApiProperty({ type: [String] }) members: string[];
  @ApiProperty({ example: 1, description: 'cycles are numbered from 1' }) currentCycle: number;
  @ApiProperty({
    enum: ['collecting', 'due'],
    description:
      'a cycle completes (and the next starts) as soon as every member has paid; `due`: every member has paid but the cycle has not ' +
      'completed yet (for long only when its completion fails, which is logged)',
  })
  cycleStatus: string;
  @ApiProperty({ description: 'who the current cycle pays' }) currentRecipient: string;
  @ApiProperty({ example: '75', description: 'contributionAmount x members' }) potAmount: string;
  @ApiProperty({ example: 2 }) contributionsReceived: number;
  @ApiProperty({ example: 3 }) contributionsExpected: number;
  @ApiProperty({ type: [ContributionDto], description: 'contributions to the current cycle' }) contributions: ContributionDto[];
  @ApiProperty({ type: [PastCycleDto] }) pastCycles: PastCycleDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
