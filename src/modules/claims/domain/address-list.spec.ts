import { parseAddressList } from './address-list';

const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

describe('parseAddressList (denylist import)', () => {
  it('takes one address per line, skips blanks and comments, and counts repeats in any letter case', () => {
    const r = parseAddressList(`# OFAC sample\n${A}\n\n${B.toLowerCase()}\n${A.toLowerCase()}\n`);
    expect(r).toEqual({ addresses: [A, B], duplicates: 1, invalid: 0 });
  });

  it('reads the first column of a CSV with a header row and quoted cells', () => {
    const r = parseAddressList(`address,program,listed\n"${A}",SDN,2024-01-02\n${B},SDN,2024-01-03\r\n`);
    expect(r).toEqual({ addresses: [A, B], duplicates: 0, invalid: 0 });
  });

  it('counts a bad checksum or a malformed line as invalid, never stores it as another address', () => {
    const badChecksum = A.slice(0, -1) + 'c'; // last char case flipped
    const r = parseAddressList(`${A}\n${badChecksum}\n0x1234\nnot-an-address\n`);
    expect(r).toEqual({ addresses: [A], duplicates: 0, invalid: 3 });
  });
});
