import { getAddress, isAddress } from 'ethers';

/** What a denylist file held: its addresses (checksummed, each once, in file order) and what was skipped. */
export interface AddressList {
  addresses: string[];
  /** an address the file names again (any letter case) */
  duplicates: number;
  /** a line whose address (the first column) is not an address, or fails its EIP-55 checksum */
  invalid: number;
}

/**
 * A denylist import (API.md "Treasury controls"): one address per line, or CSV with the address in the first
 * column (quoted or not), as sanctions lists publish them. Blank lines and `#` comments are skipped; a first line
 * that is not an address is a header and skipped. Mixed-case addresses must carry a valid EIP-55 checksum
 * (a typo is counted invalid, never silently stored as another address).
 */
export function parseAddressList(text: string): AddressList {
  const seen = new Set<string>();
  const out: AddressList = { addresses: [], duplicates: 0, invalid: 0 };
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const first = trimmed.split(/[,;\t]/)[0]!.trim().replace(/^"(.*)"$/, '$1').trim();
    const address = addressOrNull(first);
    if (address === null) {
      if (i === header && !/^0x/i.test(first)) return; // a header row
      out.invalid++;
      return;
    }
    if (seen.has(address)) {
      out.duplicates++;
      return;
    }
    seen.add(address);
    out.addresses.push(address);
  });
  return out;
}

/** The checksummed address, or null when `raw` is not one (a bad EIP-55 checksum included). */
export function addressOrNull(raw: string): string | null {
  return /^0x[0-9a-fA-F]{40}$/.test(raw) && isAddress(raw) ? getAddress(raw) : null;
}
