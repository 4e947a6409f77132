import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { FetchRequest, Interface, JsonRpcProvider, Network, Wallet } from 'ethers';
import { APP_CONFIG, AppConfig, TokenConfig } from '../../config/config';

export const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);

/**
 * The chain port: one JSON-RPC provider (no response cache: nonces and receipts are polled), the treasury
 * signer, and the token list. Boot (`src/bootstrap.ts`) has already checked the chain id and the key policy.
 */
@Injectable()
export class ChainService implements OnApplicationShutdown {
  readonly provider: JsonRpcProvider;
  readonly treasury: Wallet;
  readonly chainId: number;
  private readonly logger = new Logger('Chain');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.chainId === null || config.treasuryPrivateKey === null) {
      throw new Error('chain config not finalised (bootstrap must resolve chainId and treasury key first)');
    }
    this.chainId = config.chainId;
    this.provider = createProvider(config.chainRpcUrl, config.chainId, config.rpcTimeoutMs);
    this.treasury = new Wallet(config.treasuryPrivateKey, this.provider);
  }

  token(symbol: string): TokenConfig | undefined {
    return this.config.tokens[symbol];
  }

  tokenSymbols(): string[] {
    return Object.keys(this.config.tokens);
  }

  /** The treasury's on-chain balance of a token, in base units. */
  async balanceOf(symbol: string, address = this.treasury.address, blockTag: string | number = 'latest'): Promise<bigint> {
    const token = this.config.tokens[symbol];
    if (!token) throw new Error(`unknown token ${symbol}`);
    if (token.address === null) return this.provider.getBalance(address, blockTag);
    const out = await this.provider.call({ to: token.address, data: ERC20.encodeFunctionData('balanceOf', [address]), blockTag });
    return BigInt(out);
  }

  onApplicationShutdown(): void {
    this.provider.destroy();
    this.logger.debug('provider closed');
  }
}

/**
 * No response cache (nonces and receipts are polled), a bounded request time (a hung RPC is an error) and
 * no JSON-RPC batching: one failing or hanging call must not take twenty unrelated ones down with it.
 */
export function createProvider(url: string, chainId: number, timeoutMs = 10_000): JsonRpcProvider {
  const req = new FetchRequest(url);
  req.timeout = timeoutMs;
  return new JsonRpcProvider(req, chainId, { staticNetwork: Network.from(chainId), cacheTimeout: -1, batchMaxCount: 1 });
}
