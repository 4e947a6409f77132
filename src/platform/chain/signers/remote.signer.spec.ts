import { Transaction, Wallet } from 'ethers';
import { RemoteSignerDouble, startRemoteSigner } from '../../../../test/helpers/remote-signer';
import { RemoteSignerTarget, TreasuryKey } from '../../../config/treasury-key';
import { KeySigner } from './key.signer';
import { RemoteSigner } from './remote.signer';
import { RemoteSignerError, SignerMismatchError, UnsignedTx } from './tx-signer';
import { verifySignedTx } from './verify-signed-tx';

const KEY = '0x' + '4d'.repeat(32);
const ADDRESS = new Wallet(KEY).address;
const PASSWORD = 'Sup3rS3cretSignerPassword';
const TX: UnsignedTx = {
  to: '0x00000000000000000000000000000000000000aa',
  value: 12345n,
  data: '0xa9059cbb',
  gasLimit: 65_000n,
  maxFeePerGas: 3_000_000_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
  nonce: 7,
  chainId: 31337,
};

describe('RemoteSigner (the remote adapter of the signer port) against the test double', () => {
  let double: RemoteSignerDouble;
  let signer: RemoteSigner;
  beforeAll(async () => {
    double = await startRemoteSigner(KEY, { user: 'payrail', password: PASSWORD, path: '/signer' });
    signer = new RemoteSigner(new RemoteSignerTarget(double.url, [ADDRESS], 500), ADDRESS);
  });
  afterAll(() => double.stop());
  beforeEach(() => {
    double.fault = null;
  });

  it('signs through eth_signTransaction (Basic auth from the URL user info): the exact transaction, signed by the address', async () => {
    const raw = await signer.signTransaction(TX);
    const tx = Transaction.from(raw);
    expect({ from: tx.from, to: tx.to?.toLowerCase(), nonce: tx.nonce, value: tx.value, data: tx.data, chainId: tx.chainId, type: tx.type }).toEqual({
      from: ADDRESS, to: TX.to, nonce: 7, value: 12345n, data: TX.data, chainId: 31337n, type: 2,
    });
    expect(raw).toBe(await new KeySigner(new TreasuryKey(KEY)).signTransaction(TX)); // deterministic: what the local key signs
    expect(double.unauthorized).toBe(0);
    expect(double.requests.at(-1)).toMatchObject({ from: ADDRESS, nonce: 7 });
  });

  it("Clef's account_signTransaction (tried once eth_signTransaction is method-not-found) and its {raw, tx} answer", async () => {
    const clef = await startRemoteSigner(KEY, { shape: 'clef' });
    try {
      const remote = new RemoteSigner(new RemoteSignerTarget(clef.url, [ADDRESS], 500), ADDRESS);
      expect(Transaction.from(await remote.signTransaction(TX)).from).toBe(ADDRESS);
      expect(Transaction.from(await remote.signTransaction({ ...TX, nonce: 8 })).nonce).toBe(8);
      expect(clef.httpCalls).toBe(3); // the method is remembered: one round trip per signature after the first
    } finally {
      await clef.stop();
    }
  });

  it.each([
    ['wrong-to', /signed a transaction other than the one asked for \(to 0x[0-9a-f]{40} instead of 0x0{38}aa\); refused, nothing stored/],
    ['wrong-nonce', /\(nonce 8 instead of 7\)/],
  ] as const)('a lying signer (%s) is refused with a SignerMismatchError naming the difference, no secret in it', async (fault, message) => {
    double.fault = fault;
    const err = await signer.signTransaction(TX).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignerMismatchError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^remote signer at http:\/\/127\.0\.0\.1:\d+ /);
    expect((err as Error).message).not.toContain(PASSWORD);
    expect((err as Error).message).not.toContain('4d4d');
  });

  it('a signer for another account is refused (the recovered from is checked)', async () => {
    const other = await startRemoteSigner('0x' + '5e'.repeat(32));
    try {
      // asked for ADDRESS, the double holds another key: it refuses (unknown account), as a real signer would
      const err = await new RemoteSigner(new RemoteSignerTarget(other.url, [ADDRESS], 500), ADDRESS).signTransaction(TX).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/refused to sign for 0x[0-9a-fA-F]{40} \(-32000: unknown account/);
      // and a signer that signs with the wrong key anyway: the recovered sender differs
      const wrongKey = await new Wallet('0x' + '5e'.repeat(32)).signTransaction({ ...TX, type: 2 });
      expect(() => verifySignedTx(wrongKey, TX, ADDRESS, 'remote signer at x')).toThrow(/\(from 0x[0-9a-f]{40} instead of 0x[0-9a-f]{40}\)/);
    } finally {
      await other.stop();
    }
  });

  it('every field is checked: value, data, gas limit, fees, chain id, type; garbage is refused unparsed', async () => {
    const honest = await new KeySigner(new TreasuryKey(KEY)).signTransaction(TX);
    const sign = (over: Partial<UnsignedTx> & { type?: number }) => new Wallet(KEY).signTransaction({ type: 2, ...TX, ...over });
    expect(verifySignedTx(honest, TX, ADDRESS, 'w')).toBe(honest);
    expect(() => verifySignedTx(honest, { ...TX, to: TX.to.toUpperCase().replace('0X', '0x') }, ADDRESS, 'w')).not.toThrow(); // case of an address is not a difference
    await expect(sign({ value: 1n }).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/value 1 instead of 12345/);
    await expect(sign({ data: '0x' }).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/data differs \(0 bytes instead of 4\)/);
    await expect(sign({ gasLimit: 1n }).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/gasLimit 1 instead of 65000/);
    await expect(sign({ maxFeePerGas: 9n, maxPriorityFeePerGas: 9n }).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/maxFeePerGas 9 instead of 3000000000; maxPriorityFeePerGas 9 instead of 1000000000/);
    await expect(sign({ chainId: 1 }).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/chainId 1 instead of 31337/);
    await expect(sign({ type: 1, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined, gasPrice: 1n } as never).then((r) => verifySignedTx(r, TX, ADDRESS, 'w'))).rejects.toThrow(/type 1 instead of 2/);
    const unsigned = Transaction.from({ type: 2, ...TX }).unsignedSerialized;
    expect(() => verifySignedTx(unsigned, TX, ADDRESS, 'w')).toThrow(/no signature/);
    for (const junk of [null, 42, '', '0xzz', 'deadbeef', { raw: 1 }, '0x02']) expect(() => verifySignedTx(junk, TX, ADDRESS, 'w')).toThrow(SignerMismatchError);
  });

  it('a signer slower than REMOTE_SIGNER_TIMEOUT_MS is a timeout error; a refusal, an HTTP error and an unreachable signer are errors too, none showing the URL secret', async () => {
    double.fault = 'stall';
    double.stallMs = 1500;
    const t0 = Date.now();
    const timeout = await signer.signTransaction(TX).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(timeout).toBeInstanceOf(RemoteSignerError);
    expect((timeout as RemoteSignerError).code).toBe('SIGNER.REMOTE_TIMEOUT');
    expect((timeout as Error).message).toMatch(/did not answer within REMOTE_SIGNER_TIMEOUT_MS=500 ms; nothing stored \(the nonce is returned\)$/);
    double.fault = 'refuse';
    expect(((await signer.signTransaction(TX).catch((e: unknown) => e)) as Error).message).toMatch(/refused to sign for .* \(-32000: signing refused by policy\); nothing stored$/);
    double.fault = null;
    const wrongPassword = new RemoteSigner(new RemoteSignerTarget(double.url.replace(PASSWORD, 'nope'), [ADDRESS], 500), ADDRESS);
    expect(((await wrongPassword.signTransaction(TX).catch((e: unknown) => e)) as Error).message).toMatch(/answered HTTP 401; nothing stored$/);
    const gone = await startRemoteSigner(KEY, { user: 'payrail', password: PASSWORD, path: '/signer' });
    await gone.stop(); // its port is now closed
    const closed = new RemoteSigner(new RemoteSignerTarget(gone.url, [ADDRESS], 500), ADDRESS);
    const unreachable = (await closed.signTransaction(TX).catch((e: unknown) => e)) as Error;
    expect(unreachable.message).toMatch(/^remote signer at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\); nothing stored$/);
    for (const e of [timeout, unreachable]) expect(String((e as Error).message) + String((e as Error).stack)).not.toContain(PASSWORD);
  });
});
