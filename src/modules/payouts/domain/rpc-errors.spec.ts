import { classifyBroadcastError, rpcErrorMessage } from './rpc-errors';

/** The shape ethers v6 gives a JSON-RPC error from the node: the node's text sits in info.error.message. */
function ethersWrapped(nodeMessage: string, shortMessage = 'could not coalesce error'): Error {
  return Object.assign(new Error(`${shortMessage} (error={ "code": -32000, "message": "${nodeMessage}" }, code=UNKNOWN_ERROR)`), {
    code: 'UNKNOWN_ERROR',
    shortMessage,
    info: { error: { code: -32000, message: nodeMessage }, payload: { method: 'eth_sendRawTransaction' } },
  });
}

describe('classifyBroadcastError', () => {
  describe('geth phrasing', () => {
    it.each([
      ['nonce too low', 'nonce-too-low'],
      ['nonce too low: next nonce 7, tx nonce 5', 'nonce-too-low'],
      ['already known', 'already-known'],
      ['replacement transaction underpriced', 'underpriced'],
      ['insufficient funds for gas * price + value', 'insufficient-funds'],
      ['insufficient funds for gas * price + value: address 0x7099 have 0 want 21000000000000', 'insufficient-funds'],
    ])('%j -> %s', (message, outcome) => {
      expect(classifyBroadcastError(new Error(message))).toBe(outcome);
    });
  });

  describe('Hardhat / EDR phrasing', () => {
    it.each([
      ['Nonce too low. Expected nonce to be 5 but got 3.', 'nonce-too-low'],
      ['Transaction nonce too low. Expected nonce to be at least 5 but got 3.', 'nonce-too-low'],
      ['Known transaction: 0xabc', 'already-known'],
      ['Transaction with the same hash was already imported.', 'already-known'],
      [
        'Replacement transaction underpriced. A gasPrice/maxFeePerGas of at least 2000000000 is necessary to replace the existing transaction with nonce 3.',
        'underpriced',
      ],
    ])('%j -> %s', (message, outcome) => {
      expect(classifyBroadcastError(new Error(message))).toBe(outcome);
    });
  });

  describe('ethers v6 own codes (shortMessage)', () => {
    it.each([
      ['nonce has already been used', 'nonce-too-low'],
      ['replacement fee too low', 'underpriced'],
      ['insufficient funds for intrinsic transaction cost', 'insufficient-funds'],
    ])('%j -> %s', (shortMessage, outcome) => {
      expect(classifyBroadcastError({ shortMessage, message: `${shortMessage} (code=X)` })).toBe(outcome);
    });
  });

  describe('ethers v6 wrapping the node error as { shortMessage, info: { error: { message } } }', () => {
    it.each([
      ['nonce too low', 'nonce-too-low'],
      ['already known', 'already-known'],
      ['Known transaction: 0xabc', 'already-known'],
      ['replacement transaction underpriced', 'underpriced'],
      ['insufficient funds for gas * price + value', 'insufficient-funds'],
      ['Nonce too low. Expected nonce to be 5 but got 3.', 'nonce-too-low'],
    ])('node says %j -> %s', (nodeMessage, outcome) => {
      expect(classifyBroadcastError(ethersWrapped(nodeMessage))).toBe(outcome);
    });

    it('the nested node message wins over a generic shortMessage', () => {
      expect(
        classifyBroadcastError({ shortMessage: 'could not coalesce error', info: { error: { message: 'already known' } } }),
      ).toBe('already-known');
    });

    it('a bare { error: { message } } (JSON-RPC body) is read too', () => {
      expect(classifyBroadcastError({ error: { code: -32000, message: 'nonce too low' } })).toBe('nonce-too-low');
    });
  });

  describe('anything else is retried', () => {
    it.each([
      new Error('ECONNRESET'),
      new Error('Internal error'),
      new Error('connect ECONNREFUSED 127.0.0.1:8545'),
      new Error('request timeout (code=TIMEOUT)'),
      new Error('Nonce too high. Expected nonce to be 3 but got 5.'),
      ethersWrapped('Internal error'),
      { shortMessage: 'server response 502 Bad Gateway' },
      'socket hang up',
      null,
      undefined,
      {},
    ])('%p', (err) => {
      expect(classifyBroadcastError(err)).toBe('retry');
    });
  });

  describe('regressions: cursors that once reached Postgres', () => {
    // Regression (fixed): the substring test 'known transaction' also matches "Unknown transaction type: 0x5"
    // (an EDR/alloy rejection), so a transaction the node refused is treated as already in the mempool.
    it('"Unknown transaction type" is not classified as already-known', () => {
      expect(classifyBroadcastError(new Error('Unknown transaction type: 0x5'))).not.toBe('already-known');
    });

    // Regression (fixed): Hardhat/EDR (the dev chain) words insufficient funds without the phrase "insufficient funds",
    // so it is labelled 'retry' (the label ends up in payouts/claims lastError).
    it('Hardhat "Sender doesn\'t have enough funds" is classified insufficient-funds', () => {
      const hardhat =
        "Sender doesn't have enough funds to send tx. The max upfront cost is: 2100000000000000 and the sender's balance is: 0.";
      expect(classifyBroadcastError(ethersWrapped(hardhat))).toBe('insufficient-funds');
    });
  });
});

describe('rpcErrorMessage', () => {
  it('prefers info.error.message, then error.message, then shortMessage, then message', () => {
    expect(rpcErrorMessage({ info: { error: { message: 'A' } }, error: { message: 'B' }, shortMessage: 'C', message: 'D' })).toBe('A');
    expect(rpcErrorMessage({ error: { message: 'B' }, shortMessage: 'C', message: 'D' })).toBe('B');
    expect(rpcErrorMessage({ shortMessage: 'C', message: 'D' })).toBe('C');
    expect(rpcErrorMessage(new Error('D'))).toBe('D');
  });

  it('stringifies non-objects', () => {
    expect(rpcErrorMessage('plain string')).toBe('plain string');
    expect(rpcErrorMessage(null)).toBe('null');
    expect(rpcErrorMessage(undefined)).toBe('undefined');
  });

  it('caps the message at 500 characters', () => {
    expect(rpcErrorMessage(new Error('x'.repeat(2000)))).toHaveLength(500);
  });
});
