import { HDNodeWallet, Wallet } from 'ethers';

/** The public, well-known dev mnemonic of Hardhat/Anvil. Never valid outside a dev chain (31337/1337). */
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEV_CHAIN_IDS = [31337, 1337];

export function devAccount(index: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

/** True when `privateKey` is one of the first 20 well-known dev accounts. */
export function isWellKnownDevKey(privateKey: string): boolean {
  return isWellKnownDevAddress(new Wallet(privateKey).address);
}

/** True when `address` (any case) is one of the first 20 well-known dev accounts (a remote signer's account). */
export function isWellKnownDevAddress(address: string): boolean {
  const a = address.toLowerCase();
  for (let i = 0; i < 20; i++) if (devAccount(i).address.toLowerCase() === a) return true;
  return false;
}
