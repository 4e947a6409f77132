import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { formatEther, parseEther } from 'ethers';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { ChainService } from '../../platform/chain/chain.service';
import { RedisClient } from '../../platform/queue/redis.provider';
import { redactRpcUrl } from '../../platform/chain/rpc-url';

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}

@Injectable()
export class ChainHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly chain: ChainService,
  ) {}

  async check(key = 'chain') {
    const s = this.health.check(key);
    try {
      const [chainIdHex, block] = await withTimeout(
        Promise.all([this.chain.provider.send('eth_chainId', []) as Promise<string>, this.chain.provider.getBlockNumber()]),
        3000,
      );
      const chainId = Number(BigInt(chainIdHex));
      if (chainId !== this.chain.chainId) return s.down({ message: `chainId ${chainId}, expected ${this.chain.chainId}` });
      return s.up({ chainId, block });
    } catch (err) {
      return s.down({ message: `RPC unreachable: ${redactRpcUrl((err as Error).message).slice(0, 120)}` });
    }
  }
}

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly client: RedisClient,
  ) {}

  async check(key = 'redis') {
    const s = this.health.check(key);
    try {
      await withTimeout(this.client.redis.ping(), 2000);
      return s.up();
    } catch (err) {
      return s.down({ message: (err as Error).message.slice(0, 120) });
    }
  }
}

/**
 * The treasury can pay gas: an active signer (a lane; TREASURY_PRIVATE_KEYS has several) holds at least
 * MIN_SIGNER_ETH. Down only when none does: a pool with one drained lane still pays through the others, and
 * the lanes below the minimum are named (`low`) so they get topped up. The first lane's address and balance
 * stay the top-level detail, as with one key.
 */
@Injectable()
export class SignerBalanceHealthIndicator {
  private readonly min: bigint;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly chain: ChainService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.min = parseEther(config.minSignerEth);
  }

  async check(key = 'signer') {
    const s = this.health.check(key);
    const lanes = this.chain.activeAddresses();
    const address = lanes[0]!;
    try {
      const balances = await withTimeout(Promise.all(lanes.map((a) => this.chain.provider.getBalance(a))), 3000);
      const detail = {
        address,
        balanceEth: formatEther(balances[0]!),
        minEth: formatEther(this.min),
        ...(lanes.length > 1 ? { lanes: lanes.map((a, i) => ({ address: a, balanceEth: formatEther(balances[i]!) })) } : {}),
        ...(lanes.length > 1 ? { low: lanes.filter((_, i) => balances[i]! < this.min) } : {}),
      };
      if (balances.every((b) => b < this.min)) {
        return s.down({ ...detail, message: `treasury ETH balance below MIN_SIGNER_ETH${lanes.length > 1 ? ' on every signer' : ''}: it cannot pay gas` });
      }
      return s.up(detail);
    } catch (err) {
      return s.down({ address, message: `balance unavailable: ${redactRpcUrl((err as Error).message).slice(0, 120)}` });
    }
  }
}
