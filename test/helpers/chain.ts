import { Contract, JsonRpcProvider, Network, Wallet } from 'ethers';
import type { World } from './app';

export function chainProvider(world: World): JsonRpcProvider {
  return new JsonRpcProvider(world.rpcUrl, 31337, { staticNetwork: Network.from(31337), cacheTimeout: -1 });
}

export function usdc(world: World, provider: JsonRpcProvider): Contract {
  return new Contract(world.devchain.tokens.USDC!.address, ['function balanceOf(address) view returns (uint256)'], provider);
}

/** On-chain balance in base units: ETH (native) or a devchain token. */
export async function balanceOf(world: World, provider: JsonRpcProvider, token: string, address: string): Promise<bigint> {
  if (token === 'ETH') return provider.getBalance(address);
  return BigInt(await usdc(world, provider).getFunction('balanceOf')(address));
}

/** A wallet nobody has used: its balances start at zero. */
export function freshWallet(): string {
  return Wallet.createRandom().address;
}
