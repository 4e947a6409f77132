import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, Network } from 'ethers';
import type { World } from './app';
import { freePort } from './process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startDevchain } = require('../../scripts/devchain-lib');

/**
 * A dev chain of a test file's own, for what would disturb every other file on the shared one (reorgs by
 * evm_snapshot/evm_revert, a base fee held high, paused mining) or for a second chain id. Every dev account
 * is funded there too.
 */
export interface PrivateChain {
  rpcUrl: string;
  chainId: number;
  /** its devchain.json (tokens, contract addresses) */
  file: string;
  /** a JSON-RPC provider without a response cache */
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

export async function startPrivateChain(opts: { chainId?: number; blockMs?: number } = {}): Promise<PrivateChain> {
  const chainId = opts.chainId ?? 31337;
  const dir = mkdtempSync(join(tmpdir(), 'payrail-private-chain-'));
  const file = join(dir, 'devchain.json');
  const chain: { rpcUrl: string; stop(): Promise<void> } = await startDevchain({
    port: await freePort(),
    blockMs: opts.blockMs ?? 500,
    chainId,
    file,
    log: () => undefined,
  });
  const provider = new JsonRpcProvider(chain.rpcUrl, chainId, { staticNetwork: Network.from(chainId), cacheTimeout: -1 });
  return {
    rpcUrl: chain.rpcUrl,
    chainId,
    file,
    provider,
    stop: async () => {
      provider.destroy();
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The world moved onto the private chain: its RPC, its devchain file and chain id (database and key unchanged). */
export function onPrivateChain(world: World, chain: PrivateChain): World {
  return {
    ...world,
    rpcUrl: chain.rpcUrl,
    env: { ...world.env, CHAIN_RPC_URL: chain.rpcUrl, DEVCHAIN_FILE: chain.file, CHAIN_ID: String(chain.chainId) },
  };
}
