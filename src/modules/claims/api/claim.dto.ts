import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { getAddress } from 'ethers';
import { CLAIM_STATUSES, ClaimStatus } from '../domain/claim-status';

/** Any-case 0x address; mixed case must carry a valid EIP-55 checksum. */
export function IsEvmAddress() {
  return ValidateBy({
    name: 'isEvmAddress',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) return false;
        const body = value.slice(2);
        if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
        try {
          return getAddress(value) === value;
        } catch {
          return false;
        }
      },
      defaultMessage: (args?: ValidationArguments) =>
        typeof args?.value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(args.value)
          ? 'has an invalid EIP-55 checksum (use all lower case or the correct mixed case)'
          : 'must be a 0x-prefixed 20-byte hex address',
    },
  });
}

export class CreateClaimDto {
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', description: 'recipient; checksum verified when mixed case' })
  @IsEvmAddress()
  wallet: string;

  @ApiProperty({ example: 'USDC', description: 'token symbol from the configured list (ETH = native)' })
  @IsString({ message: 'must be a token symbol string' })
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'must be a token symbol such as USDC or ETH' })
  token: string;

  @ApiProperty({ example: '0.1', description: 'decimal string in token units; never a JSON number' })
  @IsString({ message: 'must be a decimal string such as "0.1"' })
  amount: string;

  @ApiProperty({ example: 'referral:123', minLength: 1, maxLength: 200, description: 'unique per entitlement' })
  @IsString({ message: 'must be a string' })
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  reason: string;
}

export class ListClaimsDto {
  @ApiPropertyOptional({ example: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' })
  @IsOptional()
  @IsEvmAddress()
  wallet?: string;

  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES as unknown as string[], { message: `must be one of ${CLAIM_STATUSES.join(', ')}` })
  status?: ClaimStatus;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(200, { message: 'must be at most 200' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ClaimDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }) wallet: string;
  @ApiProperty({ example: 'USDC' }) token: string;
  @ApiProperty({ example: '0.1' }) amount: string;
  @ApiProperty({ example: '100000' }) amountBase: string;
  @ApiProperty({ example: 'referral:123' }) reason: string;
  @ApiProperty({ example: '0x5f0c…' }) idempoKey: string;
  @ApiProperty({ example: 'dev' }) client: string;
  @ApiProperty({ enum: CLAIM_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) txHash: string | null;
  @ApiProperty({ nullable: true, type: String }) payoutId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) processedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
}

export class ClaimPageDto {
  @ApiProperty({ type: [ClaimDto] }) items: ClaimDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ClaimEventDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({ example: 'api:dev' }) actor: string;
  @ApiProperty({ type: Object }) detail: Record<string, unknown>;
}
