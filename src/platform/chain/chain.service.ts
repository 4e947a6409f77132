import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { FetchRequest, Interface, JsonRpcPayload, JsonRpcProvider, JsonRpcResult, Network, Wallet } from 'ethers';
import { APP_CONFIG, AppConfig, TokenConfig } from '../../config/config';
import { redactRpcError, registerRpcUrl } from './rpc-url';

export const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);

export type SignerRole = 'active' | 'retired';

/**
 * The chain port: one JSON-RPC provider (no response cache: nonces and receipts are polled), the signing
 * keys, and the token list. Boot (`src/bootstrap.ts`) has already checked the chain id and the key policy.
 * Keys: the active ones (TREASURY_PRIVATE_KEY, or the pool of TREASURY_PRIVATE_KEYS: one signer lane each,
 * all taking new payouts) and the retired ones (RETIRED_TREASURY_KEYS: loaded only to replace, cancel and
 * settle their in-flight payouts). Only the payouts module's PayoutSigner signs.
 */
@Injectable()
export class ChainService implements OnApplicationShutdown {
  readonly provider: JsonRpcProvider;
  /** every active key, in the configured order */
  readonly actives: readonly Wallet[];
  /** the first active key (the only one before signer pools; code written for one signer still reads it) */
  readonly treasury: Wallet;
  readonly retired: readonly Wallet[];
  readonly chainId: number;
  private readonly logger = new Logger('Chain');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const keys = config.treasuryPrivateKeys.length ? config.treasuryPrivateKeys : config.treasuryPrivateKey ? [config.treasuryPrivateKey] : [];
    if (config.chainId === null || keys.length === 0) {
      throw new Error('chain config not finalised (bootstrap must resolve chainId and treasury keys first)');
    }
    this.chainId = config.chainId;
    this.provider = createProvider(config.chainRpcUrl, config.chainId, config.rpcTimeoutMs);
    this.actives = keys.map((k) => new Wallet(k, this.provider));
    this.treasury = this.actives[0]!;
    // config refuses a key both active and retired; the filter keeps the roles disjoint for a config built by hand
    const active = new Set(this.actives.map((w) => w.address));
    this.retired = config.retiredTreasuryKeys.map((k) => new Wallet(k, this.provider)).filter((w) => !active.has(w.address));
  }

  /** The loaded key of `address` (any case), or null when this process does not hold it. */
  keyOf(address: string): Wallet | null {
    const a = address.toLowerCase();
    return this.actives.find((w) => w.address.toLowerCase() === a) ?? this.retired.find((w) => w.address.toLowerCase() === a) ?? null;
  }

  /** 'active' for every key of the pool, 'retired' for RETIRED_TREASURY_KEYS, null when not loaded. */
  roleOf(address: string): SignerRole | null {
    const key = this.keyOf(address);
    if (!key) return null;
    return this.actives.includes(key) ? 'active' : 'retired';
  }

  /** The addresses that take new payouts (one lane each), in the configured order. */
  activeAddresses(): string[] {
    return this.actives.map((w) => w.address);
  }

  /** Every loaded key's address: the active ones first (in order), then the retired ones. */
  loadedSigners(): string[] {
    return [...this.activeAddresses(), ...this.retired.map((w) => w.address)];
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
    // '0x': no contract at that block yet (a past block read by the funding sync): nothing was held then
    return out === '0x' ? 0n : BigInt(out);
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
  registerRpcUrl(url);
  const req = new FetchRequest(url);
  req.timeout = timeoutMs;
  return new RedactingJsonRpcProvider(req, chainId, { staticNetwork: Network.from(chainId), cacheTimeout: -1, batchMaxCount: 1 });
}

/**
 * ethers puts the request URL (and so a hosted provider's key) into the error of any non-2xx answer: every
 * error leaving the transport is scrubbed here, before anything can log or store it (rpc-url.ts).
 */
class RedactingJsonRpcProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    try {
      return await super._send(payload);
    } catch (err) {
      throw redactRpcError(err);
    }
  }
}
