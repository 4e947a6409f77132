import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'amount' }) field: string;
  @ApiProperty({ example: 'has more than 6 decimals' }) message: string;
}

/** RFC 9457 problem details, as every 4xx/5xx body (application/problem+json). */
export class ProblemDto {
  @ApiProperty({ example: 'https://payrail.dev/problems/validation' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'The request is invalid.' }) detail: string;
  @ApiPropertyOptional({ example: 'REQUEST.INVALID' }) code?: string;
  @ApiPropertyOptional({ example: '/v1/claims' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}
