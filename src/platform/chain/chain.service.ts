import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { FetchRequest, Interface, JsonRpcPayload, JsonRpcProvider, JsonRpcResult, Network } from 'ethers';
import { APP_CONFIG, AppConfig, TokenConfig } from '../../config/config';
import { redactRpcError, registerRpcUrl } from './rpc-url';
import { createSigners, TxSigner } from './signers';

export const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);

export type SignerRole = 'active' | 'retired';

/**
 * The chain port: one JSON-RPC provider (no response cache: nonces and receipts are polled), the signers,
 * and the token list. Boot (`src/bootstrap.ts`) has already checked the chain id and the key policy.
 * Signers (the signer port, ADR 0007): the active ones (TREASURY_PRIVATE_KEY, the pool of
 * TREASURY_PRIVATE_KEYS, the TREASURY_KEYSTORE key, or REMOTE_SIGNER_ADDRESS signed through REMOTE_SIGNER_URL:
 * one lane each, all taking new payouts) and the retired ones (RETIRED_TREASURY_KEYS: loaded only to replace,
 * cancel and settle their in-flight payouts). Only the payouts module's PayoutSigner signs; everything else
 * reads addresses only (a remote signer's address comes from config, its key is never here).
 */
@Injectable()
export class ChainService implements OnApplicationShutdown {
  readonly provider: JsonRpcProvider;
  /** every active signer, in the configured order */
  readonly actives: readonly TxSigner[];
  /** the first active signer (the only one before signer pools; code written for one signer reads its address) */
  readonly treasury: TxSigner;
  readonly retired: readonly TxSigner[];
  readonly chainId: number;
  private readonly logger = new Logger('Chain');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.chainId === null || (config.treasuryPrivateKeys.length === 0 && !config.remoteSigner)) {
      throw new Error('chain config not finalised (bootstrap must resolve chainId and treasury keys first)');
    }
    this.chainId = config.chainId;
    this.provider = createProvider(config.chainRpcUrl, config.chainId, config.rpcTimeoutMs);
    // config refuses a key both active and retired; createSigners keeps the roles disjoint for a config built by hand
    const { active, retired } = createSigners(config);
    this.actives = active;
    this.treasury = active[0]!;
    this.retired = retired;
  }

  /** The signer of `address` (any case) loaded here, active or retired, or null when this process cannot sign for it. */
  signerOf(address: string): TxSigner | null {
    const a = address.toLowerCase();
    return this.actives.find((s) => s.address.toLowerCase() === a) ?? this.retired.find((s) => s.address.toLowerCase() === a) ?? null;
  }

  /** 'active' for every lane, 'retired' for RETIRED_TREASURY_KEYS, null when not loaded. */
  roleOf(address: string): SignerRole | null {
    const signer = this.signerOf(address);
    if (!signer) return null;
    return this.actives.includes(signer) ? 'active' : 'retired';
  }

  /** The addresses that take new payouts (one lane each), in the configured order. */
  activeAddresses(): string[] {
    return this.actives.map((s) => s.address);
  }

  /** Every loaded signer's address: the active ones first (in order), then the retired ones. */
  loadedSigners(): string[] {
    return [...this.activeAddresses(), ...this.retired.map((s) => s.address)];
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
