import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TimeRangeQueryDto } from '../../../platform/http/time-range';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { MAX_UINT256 } from '../domain/money';
import { getAddress } from 'ethers';
import { PageQueryDto } from '../../../platform/http/pagination';
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

  @ApiProperty({
    example: 'referral:123',
    minLength: 1,
    maxLength: 200,
    description: 'unique per entitlement; reasons beginning with `cycle:` (any case) are reserved for savings-group payouts (400)',
  })
  @IsString({ message: 'must be a string' })
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  reason: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "a program of this key (POST /v1/programs) whose budget pays the claim; one that does not fit its remaining budget is a 409 PROGRAM.BUDGET_EXCEEDED, nothing stored",
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a program id (a UUID)' })
  program?: string;
}

/** A decimal string of an unsigned 256-bit integer. */
function IsUint256String() {
  return ValidateBy({
    name: 'isUint256String',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && /^\d{1,78}$/.test(v) && BigInt(v) <= MAX_UINT256,
      defaultMessage: () => 'must be a decimal string of an unsigned 256-bit integer, such as "1"',
    },
  });
}

const SIGNED_FIELDS_DOC =
  'EIP-712 vouchers only (signed by a CLAIM_ISSUERS key; no API key; ALLOW_SIGNED_CLAIMS=true). See "Signed claims (EIP-712)" in the README.';

/**
 * A voucher: a claim for `wallet` signed (EIP-712) by one of the platform's issuer keys (CLAIM_ISSUERS), never
 * by the wallet, sent WITHOUT an API key when ALLOW_SIGNED_CLAIMS=true. Typed data: domain {name:
 * SIGNED_CLAIM_DOMAIN_NAME ("Payrail"), version: "1", chainId}, primaryType Claim {address wallet, string
 * token, string amount, string reason, uint256 nonce, uint256 deadline}.
 */
export class SignedClaimDto extends CreateClaimDto {
  @ApiProperty({ example: '1', description: "uint256 as a decimal string; each nonce is accepted once per issuer (whatever the wallet)" })
  @IsUint256String()
  nonce: string;

  @ApiProperty({ example: 1767225600, description: 'unix seconds (JSON integer); the signature is refused after it' })
  @IsInt({ message: 'must be an integer (unix seconds)' })
  @Min(0, { message: 'must be at least 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'is too large' })
  deadline: number;

  @ApiProperty({
    example: '0x5b1c…1b',
    description: "an issuer's EIP-712 signature (65 bytes r,s,v or 64-byte EIP-2098 compact), 0x-hex; the wallet's own is refused",
  })
  @IsString({ message: 'must be a 0x-hex signature' })
  @Matches(/^0x([0-9a-fA-F]{128}|[0-9a-fA-F]{130})$/, { message: 'must be a 0x-hex signature of 64 or 65 bytes' })
  signature: string;
}

/** The body POST /v1/claims validates: a plain claim, or (signed) one with nonce, deadline and signature. */
export class ClaimRequestDto extends CreateClaimDto {
  @ApiPropertyOptional({ description: SIGNED_FIELDS_DOC })
  @IsOptional()
  @IsUint256String()
  nonce?: string;

  @ApiPropertyOptional({ description: SIGNED_FIELDS_DOC })
  @IsOptional()
  @IsInt({ message: 'must be an integer (unix seconds)' })
  @Min(0, { message: 'must be at least 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'is too large' })
  deadline?: number;

  @ApiPropertyOptional({ description: SIGNED_FIELDS_DOC })
  @IsOptional()
  @IsString({ message: 'must be a 0x-hex signature' })
  @Matches(/^0x([0-9a-fA-F]{128}|[0-9a-fA-F]{130})$/, { message: 'must be a 0x-hex signature of 64 or 65 bytes' })
  signature?: string;
}

export class ListClaimsDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' })
  @IsOptional()
  @IsEvmAddress()
  wallet?: string;

  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES as unknown as string[], { message: `must be one of ${CLAIM_STATUSES.join(', ')}` })
  status?: ClaimStatus;

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
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the program whose budget pays it' }) program: string | null;
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

/** GET /v1/claims/export: the time range, and optionally one program's claims. */
export class ClaimsExportQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "only this program's claims (a program of this key; an admin: any)" })
  @IsOptional()
  @IsUUID('all', { message: 'must be a program id (a UUID)' })
  program?: string;
}
