import { ApiProperty } from '@nestjs/swagger';

class BlockchainHealthDto {
  @ApiProperty() connected: boolean;
  @ApiProperty({ type: Number, nullable: true, example: 1234 }) block: number | null;
  @ApiProperty({ example: 31337 }) chainId: number;
}

class DatabaseHealthDto {
  @ApiProperty() connected: boolean;
}

class ClaimCountsDto {
  @ApiProperty() pending: number;
  @ApiProperty() processing: number;
  @ApiProperty() submitted: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'every claim, cancelled ones included' }) total: number;
}

class ClaimMetricsDto {
  @ApiProperty({ type: String, nullable: true, description: 'when the last claim completed' }) lastProcessedAt: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'age in seconds of the oldest pending claim (0 when none)' })
  processingLagSec: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'claims completed in the last 60 s' }) rate1m: number | null;
  @ApiProperty({ enum: ['healthy', 'degraded'], description: 'healthy while processingLagSec < 300' }) health: 'healthy' | 'degraded';
}

/** Seed 000's claim-worker health JSON. */
export class ClaimsHealthDto {
  @ApiProperty({ description: 'database and chain reachable' }) ok: boolean;
  @ApiProperty() timestamp: string;
  @ApiProperty({ type: BlockchainHealthDto }) blockchain: BlockchainHealthDto;
  @ApiProperty({ type: DatabaseHealthDto }) database: DatabaseHealthDto;
  @ApiProperty({ type: ClaimCountsDto, nullable: true }) claims: ClaimCountsDto | null;
  @ApiProperty({ type: ClaimMetricsDto }) metrics: ClaimMetricsDto;
}

export class QueueHealthDto {
  @ApiProperty({ description: 'waiting for a worker (prioritized included)' }) waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'live workers consuming this queue, all processes' }) workers: number;
}

export class WorkersHealthDto {
  @ApiProperty() timestamp: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/QueueHealthDto' },
    example: { claims: { waiting: 0, active: 1, delayed: 0, completed: 0, failed: 0, workers: 1 } },
  })
  queues: Record<string, QueueHealthDto>;
  @ApiProperty({ description: 'live workers summed over the queues' }) workers: number;
}
